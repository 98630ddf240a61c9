"""Settings modules: `base` (shared), `dev` (default), `test`, `production`.

Every value a deployment may change is read from a `KOLOPS_*` environment variable.
"""
