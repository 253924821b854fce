vcl 4.1;
#
# Varnish in front of the storefront (Varnish 7.1 + varnish-modules 0.20 on Debian bookworm).
#
# Rules (docs/deploy.md, "Varnish"):
# - The storefront decides what is cacheable: only responses that say `public`, `s-maxage` or a positive
#   `max-age` are stored; `private`, `no-store`, `no-cache` or a `Set-Cookie` are never stored.
# - TTL comes from `s-maxage` (Varnish's own rule); `stale-while-revalidate` and `stale-if-error` become
#   grace. Within the stale-while-revalidate part a stale copy is served at once and refreshed in the
#   background; beyond it, the stale-if-error part is only served while the health probe says the
#   storefront is down. (`keep` alone could not do that: kept objects are never delivered, only used
#   for conditional fetches — so `keep` holds objects that have an ETag, for 304 revalidation.)
# - The cache key follows the storefront's page-cache key: host, scheme, path, the query without
#   tracking parameters (sorted), the `currency` cookie, the htmx target, and `Vary` (Accept-Encoding,
#   HX-Request). Every other cookie is dropped on cacheable routes; they are never read there.
# - Cart, checkout, account, fragments, preview, admin, webhook, health checks and every non-GET pass.
# - Purges: `PURGE` with an `xkey-purge: <tags separated by spaces>` header, from the `purgers` ACL
#   only, soft by default (`xkey-mode: hard` deletes). The answer says how many objects were purged.
# - Run varnishd with `-p http_gzip_support=off` so brotli from the storefront reaches browsers: this
#   VCL normalises Accept-Encoding itself (with gzip support on it still works, but gzip only).
#
# Deploy: set the backend address, the probe's Host (a name in ALLOWED_HOSTS) and the purgers ACL
# (the storefront nodes' addresses), then `varnishd -C -f default.vcl` to check it compiles.

import std;
import xkey;

backend storefront {
    # The storefront's gunicorn (BIND). FORWARDED_ALLOW_IPS on that node must include this Varnish.
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    # A MISS may wait for Magento (MAGENTO_READ_TIMEOUT, 10 s by default) plus the render.
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    .probe = {
        # The Host must be one of ALLOWED_HOSTS, or Django answers 400 and the backend looks down.
        .request =
            "GET /healthz HTTP/1.1"
            "Host: shop.example.com"
            "X-Forwarded-Proto: https"
            "Connection: close";
        .timeout = 2s;
        .interval = 5s;
        .window = 5;
        .threshold = 3;
        .initial = 3;
    }
}

# Who may purge: the storefront nodes (they send the purges, see storefront/pagecache/edge.py).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Internal headers are ours alone: a client cannot set them.
    unset req.http.X-Edge;
    unset req.http.X-Edge-Currency;
    unset req.http.X-Edge-Purged;
    unset req.http.X-Edge-Purge-Mode;
    if (req.restarts == 0) {
        unset req.http.X-Edge-Refetch;
    }

    if (req.method == "PURGE") {
        # Varnish appends the peer to X-Forwarded-For before this runs: a comma means the request came
        # through another proxy (nginx), i.e. from outside, even if that proxy is on an allowed address.
        if (client.ip !~ purgers || req.http.X-Forwarded-For ~ ",") {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the tags to purge in an xkey-purge header"));
        }
        if (req.http.xkey-mode == "hard") {
            set req.http.X-Edge-Purge-Mode = "hard";
            set req.http.X-Edge-Purged = xkey.purge(req.http.xkey-purge);
        } else {
            set req.http.X-Edge-Purge-Mode = "soft";
            set req.http.X-Edge-Purged = xkey.softpurge(req.http.xkey-purge);
        }
        return (synth(200, "Purged"));
    }

    # A stale copy beyond its stale-while-revalidate window while the storefront is healthy (vcl_hit):
    # look up again, ignoring grace, so the shopper gets a fresh render.
    if (req.http.X-Edge-Refetch) {
        set req.grace = 0s;
    }

    # One Accept-Encoding per coding the storefront stores (br, gzip, identity): few variants per page.
    if (req.http.Accept-Encoding ~ "(?i)\bbr\b") {
        set req.http.Accept-Encoding = "br";
    } elsif (req.http.Accept-Encoding ~ "(?i)\bgzip\b") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Personal and operational routes, in every store view (/de/cart/ as well as /cart/).
    if (req.url ~ "^/([a-z][a-z0-9_]*/)?(cart|checkout|account)(/|\?|$)"
        || req.url ~ "^/(_fragment|_preview|_revalidate|admin|healthz|readyz)(/|\?|$)") {
        return (pass);
    }
    # A message queued for the visitor (Django's `messages` cookie, e.g. after signing out or a refused add):
    # the storefront shows it in its cached copy for this one private response (storefront/pagecache/flash.py).
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sf_preview|messages)=") {
        return (pass);
    }

    # Tracking parameters never reach the storefront's cache key (storefront/pagecache/keys.py); drop the
    # same ones here so a campaign link hits the plain URL's object. Keep this list in step with keys.py.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url,
            "(?i)([?&])(utm_[^&=]*|_ga[^&=]*|mc_[^&=]*|pk_[^&=]*|hsa_[^&=]*|matomo_[^&=]*|gclid|gclsrc|dclid|gbraid|wbraid|fbclid|msclkid|yclid|twclid|ttclid|igshid|li_fat_id|epik|srsltid|_hsenc|_hsmi|mkt_tok|ref|ref_src|cmpid)(=[^&]*)?(?=&|$)",
            "\1");
        set req.url = regsuball(req.url, "&&+", "&");
        set req.url = regsub(req.url, "\?&", "?");
        set req.url = regsub(req.url, "[?&]$", "");
        set req.url = std.querysort(req.url);
    }

    # Cacheable routes read one cookie: the currency choice (part of the key). Drop the rest.
    if (req.http.Cookie ~ "(^|;\s*)currency=[A-Z]{3}(;|$)") {
        set req.http.X-Edge-Currency = regsub(req.http.Cookie, "^(.*;\s*)?currency=([A-Z]{3})(;.*)?$", "\2");
        set req.http.Cookie = "currency=" + req.http.X-Edge-Currency;
    } else {
        unset req.http.Cookie;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.Host) {
        hash_data(req.http.Host);
    } else {
        hash_data(server.ip);
    }
    # Absolute links (canonical, JSON-LD) carry the scheme.
    hash_data("proto:" + req.http.X-Forwarded-Proto);
    hash_data("currency:" + req.http.X-Edge-Currency);
    # The storefront keys htmx requests by their target too; Vary only names HX-Request.
    if (req.http.HX-Request == "true") {
        hash_data("hx:" + req.http.HX-Target);
    }
    return (lookup);
}

sub vcl_hit {
    if (obj.ttl >= 0s) {
        set req.http.X-Edge = "HIT";
        return (deliver);
    }
    if (!std.healthy(req.backend_hint)) {
        # stale-if-error: the storefront is down, any copy within grace beats an error page.
        set req.http.X-Edge = "STALE-IF-ERROR";
        return (deliver);
    }
    if (obj.ttl + std.duration(obj.http.X-Edge-SWR + "s", 0s) > 0s) {
        # stale-while-revalidate: deliver now, Varnish refreshes it in the background.
        set req.http.X-Edge = "STALE";
        return (deliver);
    }
    set req.http.X-Edge-Refetch = "1";
    return (restart);
}

sub vcl_miss {
    set req.http.X-Edge = "MISS";
}

sub vcl_pass {
    set req.http.X-Edge = "PASS";
}

sub vcl_backend_fetch {
    unset bereq.http.X-Edge;
    unset bereq.http.X-Edge-Currency;
    unset bereq.http.X-Edge-Refetch;
}

sub vcl_backend_response {
    # A failed background refresh keeps the stale copy (it is still in grace).
    if (bereq.is_bgfetch && beresp.status >= 500) {
        return (abandon);
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Cache-Control !~ "(?i)(public|s-maxage=[1-9]|max-age=[1-9])"
        || beresp.http.Vary == "*") {
        # Remember "do not cache" for a short while so requests for it do not queue behind each other.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        set beresp.grace = 0s;
        return (deliver);
    }

    set beresp.http.X-Edge-SWR = "0";
    set beresp.http.X-Edge-SIE = "0";
    if (beresp.http.Cache-Control ~ "(?i)stale-while-revalidate=[0-9]+") {
        set beresp.http.X-Edge-SWR = regsub(beresp.http.Cache-Control,
            "(?i)^.*stale-while-revalidate=([0-9]+).*$", "\1");
    }
    if (beresp.http.Cache-Control ~ "(?i)stale-if-error=[0-9]+") {
        set beresp.http.X-Edge-SIE = regsub(beresp.http.Cache-Control,
            "(?i)^.*stale-if-error=([0-9]+).*$", "\1");
    }
    set beresp.grace = std.duration(beresp.http.X-Edge-SWR + "s", 0s)
        + std.duration(beresp.http.X-Edge-SIE + "s", 0s);
    unset beresp.http.X-Edge-SIE;
    if (beresp.http.ETag) {
        set beresp.keep = 1h;
    }
    # The storefront answered from its own stale copy (soft-purged, or being refreshed): keep it fresh for
    # at most a second (counted from the storefront's Age), then as grace, so a later request asks again
    # instead of holding the old page for a full TTL. (Not 0s: Varnish never looks up objects with ttl 0.)
    if (beresp.http.X-Cache == "STALE") {
        set beresp.ttl = 1s;
    }
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.X-Edge-SWR;
    if (req.http.X-Edge) {
        set resp.http.X-Edge = req.http.X-Edge;
    }
}

sub vcl_synth {
    if (req.method == "PURGE" && resp.status == 200) {
        set resp.http.Content-Type = "application/json";
        set resp.http.X-Purged = req.http.X-Edge-Purged;
        synthetic({"{"purged": "} + req.http.X-Edge-Purged + {", "mode": ""} + req.http.X-Edge-Purge-Mode + {"""} + "}");
        return (deliver);
    }
}
