from django.core.management.base import BaseCommand, CommandError

from cleopay.backup import BackupError, back_up, media_path


class Command(BaseCommand):
    help = (
        "Dump the PostgreSQL database (pg_dump --format=custom) and tar MEDIA_ROOT into BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Write here instead of BACKUP_DIR.")

    def handle(self, *args, dir=None, **options):
        try:
            dump = back_up(dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{dump}\n{media_path(dump)}")
