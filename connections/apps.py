from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "connections"

    def ready(self):
        from accounts import signals as accounts_signals
        from connections import receivers

        accounts_signals.business_owner_verified.connect(
            receivers.bind_invitations, dispatch_uid="connections.bind_invitations"
        )
