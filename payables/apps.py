from django.apps import AppConfig


class PayablesConfig(AppConfig):
    name = "payables"

    def ready(self):
        from approvals import signals as approvals_signals
        from files import signals as files_signals
        from payables import receivers

        files_signals.shared_file_ids.connect(
            receivers.attachment_file_ids, dispatch_uid="payables.attachment_file_ids"
        )
        approvals_signals.approval_reminded.connect(
            receivers.approval_reminded, dispatch_uid="payables.approval_reminded"
        )
