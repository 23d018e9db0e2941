"""pytest plugin loaded first (``-p khlang.testing`` in pyproject.toml).

Settings read the environment once, when pytest-django sets Django up, which
happens before any conftest.py is imported; so the test environment is fixed
here: test mode, and a throwaway var/ so a test run never touches the
developer's database, media or secret key.
"""

import os
import tempfile

os.environ.setdefault("KHLANG_ENV", "test")
os.environ.setdefault("KHLANG_VAR_DIR", tempfile.mkdtemp(prefix="khlang-test-var-"))
