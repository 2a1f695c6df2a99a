"""Uploaded files (certificates of completion, exam evidence), kept in the database so every app
server reaches them: ``services.store_upload`` checks and stores one, ``services.may_download``
says who may fetch it (``outside.stored_file`` serves it, as a download only)."""
