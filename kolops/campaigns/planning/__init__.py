"""Pure planning engines: matching, forecast and the optimizer. Plain data in, plain data out.

Nothing here touches the ORM: `campaigns.planning_service` loads candidates from the database,
hands them to these engines as `types` dataclasses and stores what comes back.
"""
