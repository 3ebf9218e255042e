import rules

from ponte.core.roles import is_staff_role

rules.add_perm("core.view_audit_trail", is_staff_role)
