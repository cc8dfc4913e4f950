"""Serving Wagtail documents from private storage, after every access check.

Takes the place of Wagtail's own document view at the same URL (`/documents/<id>/<filename>`)
and runs the same checks (the filename must match; every `before_serve_document` hook — the
paid-lesson gate in courses.wagtail_hooks, collection privacy — may refuse), then:

- a file on local disk is streamed, with single HTTP Range requests answered 206 so videos seek;
- a file in remote storage (S3) is a redirect to a short-lived presigned URL.

Responses are `private, no-cache`, so shared caches keep nothing and browsers revalidate
(the ETag is the file's hash, or its size and time) — the check runs on every request.
"""

import re

from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.models import document_served

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """`bytes=a-b` (or `a-`, or `-n`) → inclusive (start, end); None when it cannot be served.

    Raises ValueError for a syntactically fine range that lies outside the file (416).
    """
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None  # several ranges or nonsense: answer with the whole file
    first, last = match.groups()
    if first == "":
        length = int(last)
        if length == 0:
            raise ValueError(header)
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError(header)
    return start, end


def _chunks(file, start: int, length: int):
    with file:
        file.seek(start)
        while length > 0:
            block = file.read(min(_CHUNK, length))
            if not block:
                break
            length -= len(block)
            yield block


def _etag(document, size: int) -> str:
    if document.file_hash:
        return f'"{document.file_hash}"'
    modified = document.file.storage.get_modified_time(document.file.name)
    return f'"{size:x}-{int(modified.timestamp()):x}"'


def _stream(request, document) -> HttpResponse:
    size = document.file.size
    etag = _etag(document, size)
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(headers={"ETag": etag})
    wanted = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if wanted and if_range and if_range != etag:
        wanted = None  # the client's copy is stale: send all of it
    try:
        span = _byte_range(wanted, size) if wanted else None
    except ValueError:
        return HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"})
    file = document.file.storage.open(document.file.name, "rb")
    if span is None:
        response = FileResponse(file, content_type=document.content_type)
        response["Content-Length"] = size
    else:
        start, end = span
        response = StreamingHttpResponse(
            _chunks(file, start, end - start + 1), status=206, content_type=document.content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = end - start + 1
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = document.content_disposition
    response["ETag"] = etag
    # A document is data, never a page: nothing embedded in it runs (as Wagtail does).
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@require_safe
def serve(request, document_id: int, document_filename: str):
    """A document's bytes, for whoever every `before_serve_document` hook lets through."""
    document = get_object_or_404(get_document_model(), id=document_id)
    if document.filename != document_filename:
        raise Http404("This document does not match the given filename.")
    for hook in hooks.get_hooks("before_serve_document"):
        result = hook(document, request)
        if isinstance(result, HttpResponse):
            return result
    document_served.send(sender=type(document), instance=document, request=request)
    try:
        document.file.path  # noqa: B018 - only local files have a path
    except NotImplementedError:
        # Remote storage: the private storage signs a URL that expires within a minute or so.
        response = HttpResponseRedirect(document.file.url)
    else:
        if not document.file.storage.exists(document.file.name):
            raise Http404("This document's file is missing.")
        response = _stream(request, document)
    patch_cache_control(response, private=True, no_cache=True)
    return response
