"""Star-import this module into an adapter package's test module to run the whole kit.

Every name exported here is a test; the fixtures come from the plugin (``framework_m_core.testing.plugin``).
"""

from .test_cache import *  # noqa: F403
from .test_children import *  # noqa: F403
from .test_crud import *  # noqa: F403
from .test_delete import *  # noqa: F403
from .test_differential import *  # noqa: F403
from .test_event_bus import *  # noqa: F403
from .test_filters import *  # noqa: F403
from .test_lifecycle import *  # noqa: F403
from .test_links import *  # noqa: F403
from .test_naming import *  # noqa: F403
from .test_occ import *  # noqa: F403
from .test_ordering import *  # noqa: F403
from .test_outbox import *  # noqa: F403
from .test_repository import *  # noqa: F403
from .test_schema import *  # noqa: F403
from .test_transactions import *  # noqa: F403
