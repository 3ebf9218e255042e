"""The experimentation lab's data, one module a stage of its journey."""

from .cases import *  # noqa: F403
from .cocreation import *  # noqa: F403
from .experiments import *  # noqa: F403
from .problems import *  # noqa: F403
from .projects import *  # noqa: F403
