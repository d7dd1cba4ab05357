from django.core.management.base import BaseCommand, CommandError

from cleopay.backup import BackupError, latest, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the database of DATABASE_URL "
        "(pg_restore --clean) and its files into MEDIA_ROOT. Without a path: the newest in BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", nargs="?", help="The .dump file (default: the newest).")
        parser.add_argument("--dir", help="Look for the newest backup here instead of BACKUP_DIR.")

    def handle(self, *args, dump=None, dir=None, **options):
        try:
            path = dump or latest(dir)
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {path}")
