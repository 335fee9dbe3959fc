"""Files the API points at but does not serve itself: a creative's `thumbnail_url` is an
address on Meta's CDN, signed and short-lived, that needs no token.

A download goes through the client's session with the client's limits (the time one exchange
may take, the run's deadline, cancel, the size cap of an answer) but WITHOUT the token or the
app secret proof: the address is another host's, and the token is never sent to another host.
Server trouble is retried a few times; anything else is an ApiError the caller records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests
import urllib3

from insights.api import limits as http_limits
from insights.errors import ApiError

if TYPE_CHECKING:
    from insights.api.client import GraphClient

PICTURE_MAX_BYTES = 2 << 20  # a thumbnail is a few KB; a 2 MB answer is not one
ATTEMPTS = 3


def download(
    client: GraphClient, url: str, max_bytes: int = PICTURE_MAX_BYTES
) -> tuple[bytes, str]:
    """(bytes, media type) of the picture at `url` (http or https only)."""
    scheme = url.split(":", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise ApiError(f"A picture address is not a web address ({client.mask(url)[:60]}).")
    cap = min(max_bytes, client.retry.max_response_bytes)
    problem = ""
    for attempt in range(1, ATTEMPTS + 1):
        limit = client._check_going()  # cancelled or past the run's deadline: stop
        with http_limits.watched(limit, client._watches, client._watch_lock) as watch:
            try:
                response = client._session.get(
                    url,
                    timeout=client.timeout_s,
                    stream=True,
                    allow_redirects=False,
                    # None drops the session's header: the token never goes to another host
                    headers={"Authorization": None},  # type: ignore[dict-item]
                )
                try:
                    body = http_limits.read_body(response, cap)
                finally:
                    response.close()
            except http_limits.BodyTooLarge:
                raise ApiError(f"The picture is over {cap >> 10:,} KB; not kept.") from None
            except (
                requests.RequestException,
                urllib3.exceptions.HTTPError,
                http_limits.UnsupportedEncoding,
                OSError,
            ) as exc:
                client._check_going()
                problem = (
                    f"no complete answer within {limit:.0f} s"
                    if watch.expired
                    else (type(exc).__name__)
                )
                client.sleep(client._backoff(attempt), "picture download")
                continue
        kind = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if response.status_code >= 500 or response.status_code == 429:
            problem = f"HTTP {response.status_code}"
            client.sleep(client._backoff(attempt), "picture download")
            continue
        if response.status_code != 200:
            raise ApiError(f"The picture's address answered HTTP {response.status_code}.")
        if not kind.startswith("image/"):
            raise ApiError(f"The picture's address sent {kind or 'no type'}, not an image.")
        return body, kind
    raise ApiError(f"The picture could not be read ({problem}) after {ATTEMPTS} tries.")
