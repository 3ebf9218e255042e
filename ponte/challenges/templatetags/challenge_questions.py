"""The questions section of the challenge page reads its own data, for the viewer."""

from django import template

register = template.Library()


@register.simple_tag
def questions_section(user, challenge):
    from ..queries.questions import section_for

    return section_for(user, challenge)
