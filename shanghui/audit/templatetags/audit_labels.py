from django import template

from shanghui.audit import labels

register = template.Library()

register.filter("action_label", labels.action_label)
register.filter("object_label", labels.object_label)
register.filter("event_detail", labels.detail)
