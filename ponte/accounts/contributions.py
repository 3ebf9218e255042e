"""What accounts registers with core: its platform roles and permissions in the role matrix."""

from ponte.core import rolematrix

from . import matrix

rolematrix.add_cases(matrix.CASES)
for role in matrix.ROLES:
    rolematrix.add_role(role)
