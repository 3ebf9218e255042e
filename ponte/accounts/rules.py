import rules

from ponte.core.roles import is_authenticated

rules.add_perm("accounts.manage_own_account", is_authenticated)
rules.add_perm("accounts.manage_api_tokens", is_authenticated)
