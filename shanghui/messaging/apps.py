from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "shanghui.messaging"
    verbose_name = "消息发送"
