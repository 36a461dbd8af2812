"""The ms_lr test suite (a package, so its helpers in tests.support import without sys.path edits)."""
