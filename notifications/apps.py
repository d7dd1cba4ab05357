from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from accounts import signals as accounts_signals
        from connections import signals as connections_signals
        from notifications import receivers

        accounts_signals.member_joined.connect(
            receivers.member_joined, dispatch_uid="notifications.member_joined"
        )
        connections_signals.connection_accepted.connect(
            receivers.connection_accepted, dispatch_uid="notifications.connection_accepted"
        )
