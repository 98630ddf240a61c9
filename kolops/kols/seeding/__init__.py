"""Synthetic demo data: a pure generator (`generator`) and a bulk writer (`writer`).

The generator knows nothing of the database; the writer turns its plain records into rows.
`kolops seed`, `kolops demo-setup` and `make bench` all go through these two modules.
"""
