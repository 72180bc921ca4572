package dev.streamingblocks.core.avro.registry.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * One registry base URL split into the part that may be shown ({@link #display()}, never with
 * credentials) and the credentials its userinfo carried, if any.
 */
public final class RegistryEndpoint {

    private final URI baseUri;
    private final String userInfo;

    private RegistryEndpoint(URI baseUri, String userInfo) {
        this.baseUri = baseUri;
        this.userInfo = userInfo;
    }

    /**
     * Parses an http(s) URL. The failure message shows the URL with any userinfo cut off.
     *
     * @throws IllegalArgumentException naming {@code key} when the URL is malformed
     */
    public static RegistryEndpoint parse(String key, String url) {
        String trimmed = url.trim();
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw invalid(key, trimmed, "is not a valid URL");
        }
        String scheme = uri.getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw invalid(key, trimmed, "is not an http(s) URL with a host");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        URI base;
        try {
            base = new URI(
                    scheme.toLowerCase(java.util.Locale.ROOT), null, uri.getHost(), uri.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw invalid(key, trimmed, "is not a valid URL");
        }
        return new RegistryEndpoint(URI.create(base + path), uri.getUserInfo());
    }

    private static IllegalArgumentException invalid(String key, String url, String why) {
        return new IllegalArgumentException(
                "Invalid value for configuration '" + key + "': '" + stripUserInfo(url) + "' " + why);
    }

    /** Cuts {@code user:password@} out of a URL-like string, even one that does not parse. */
    public static String stripUserInfo(String url) {
        int schemeEnd = url.indexOf("://");
        int authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int authorityEnd = url.length();
        for (int i = authorityStart; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                authorityEnd = i;
                break;
            }
        }
        int at = url.lastIndexOf('@', authorityEnd - 1);
        if (at < authorityStart) {
            return url;
        }
        return url.substring(0, authorityStart) + url.substring(at + 1);
    }

    /** The base URI without userinfo and without a trailing slash. */
    public URI baseUri() {
        return baseUri;
    }

    /** The URL safe to log and to put in messages. */
    public String display() {
        return baseUri.toString();
    }

    /** The decoded {@code user:password} from the URL, or null. Never log it. */
    public String userInfo() {
        return userInfo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegistryEndpoint e && baseUri.equals(e.baseUri) && Objects.equals(userInfo, e.userInfo);
    }

    @Override
    public int hashCode() {
        return Objects.hash(baseUri, userInfo);
    }

    @Override
    public String toString() {
        return display();
    }
}
