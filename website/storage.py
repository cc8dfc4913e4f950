"""Where uploaded files live: public media, and private storage for documents.

Wagtail stores every document (lesson worksheets, self-hosted lesson and episode videos,
captions, the reading list) under `documents/` through the default storage. `MediaStorage`,
the default, sends those names to the `private` storage alias and everything else (images,
renditions) to `public`. Private files have no public URL: they are served only through the
access-checked document view (website/documents.py), which streams a local file (with HTTP
Range) or redirects to a short-lived presigned URL on S3.
"""

from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible

PRIVATE_PREFIXES = ("documents/",)


@deconstructible
class PrivateFileSystemStorage(FileSystemStorage):
    """Files on local disk, outside MEDIA_ROOT, that no URL maps to."""

    def url(self, name):
        raise NotImplementedError("Private files are served only through the document view.")


@deconstructible
class MediaStorage(Storage):
    """The default storage: `documents/…` in the `private` alias, the rest in `public`.

    Every operation goes to the storage the name belongs to, looked up on each call so a
    changed STORAGES setting (tests) is honoured.
    """

    @staticmethod
    def is_private(name: str) -> bool:
        return str(name).replace("\\", "/").startswith(PRIVATE_PREFIXES)

    def backend_for(self, name: str) -> Storage:
        return storages["private" if self.is_private(name) else "public"]

    # Storage API: each call delegated by name.
    def _open(self, name, mode="rb"):
        return self.backend_for(name).open(name, mode)

    def _save(self, name, content):
        return self.backend_for(name).save(name, content)

    def get_available_name(self, name, max_length=None):
        return self.backend_for(name).get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend_for(filename).generate_filename(filename)

    def delete(self, name):
        return self.backend_for(name).delete(name)

    def exists(self, name):
        return self.backend_for(name).exists(name)

    def listdir(self, path):
        return self.backend_for(f"{path.rstrip('/')}/").listdir(path)

    def size(self, name):
        return self.backend_for(name).size(name)

    def url(self, name):
        return self.backend_for(name).url(name)

    def path(self, name):
        return self.backend_for(name).path(name)

    def get_accessed_time(self, name):
        return self.backend_for(name).get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend_for(name).get_created_time(name)

    def get_modified_time(self, name):
        return self.backend_for(name).get_modified_time(name)
