"""The KOL file engine: columns, readers and validation of import files, in pure Python.

Nothing here touches the database. `readers` turns bytes (CSV in any of the encodings people
actually send, or XLSX) into rows; `validate` turns rows into typed records and a list of
errors; `columns` is the documented column list both use, and which exports write.
The service `kolops.kols.imports` feeds the engine the catalogues it needs and writes.
"""
