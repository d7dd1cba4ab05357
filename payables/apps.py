from django.apps import AppConfig


class PayablesConfig(AppConfig):
    name = "payables"

    def ready(self):
        from files import signals as files_signals
        from payables import receivers

        files_signals.shared_file_ids.connect(
            receivers.attachment_file_ids, dispatch_uid="payables.attachment_file_ids"
        )
