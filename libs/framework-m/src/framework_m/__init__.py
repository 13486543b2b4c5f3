"""Framework M: declare DocTypes as pydantic models; get storage, permissions, an API, events and a CLI.

This package is the public face of the framework: everything an application imports comes from here.
The list of names is ``framework_m_core.__all__``; docs/reference/public-api.md documents each one.
"""

from framework_m_core import *  # noqa: F403
from framework_m_core import __all__ as __all__
