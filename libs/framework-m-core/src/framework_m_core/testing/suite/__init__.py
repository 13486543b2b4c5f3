"""Star-import this module into an adapter package's test module to run the whole kit.

Every name exported here is a test; the fixtures come from the plugin (``framework_m_core.testing.plugin``).
"""

from .test_crud import *  # noqa: F403
from .test_repository import *  # noqa: F403
