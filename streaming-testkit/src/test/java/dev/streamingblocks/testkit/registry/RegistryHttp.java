package dev.streamingblocks.testkit.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** A thin java.net.http client for asserting the registry's wire behaviour exactly. */
final class RegistryHttp {

    static final String V1_JSON = "application/vnd.schemaregistry.v1+json";
    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;
    private final String authorization;

    RegistryHttp(String baseUrl) {
        this(baseUrl, null);
    }

    private RegistryHttp(String baseUrl, String authorization) {
        this.baseUrl = baseUrl;
        this.authorization = authorization;
    }

    RegistryHttp withBasicAuth(String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new RegistryHttp(baseUrl, "Basic " + token);
    }

    /** One answer: status, parsed JSON body and the response's content type. */
    record Reply(int status, JsonNode body, String contentType) {}

    Reply get(String path) {
        return send("GET", path, null, V1_JSON);
    }

    Reply delete(String path) {
        return send("DELETE", path, null, V1_JSON);
    }

    Reply post(String path, String jsonBody) {
        return send("POST", path, jsonBody, V1_JSON);
    }

    Reply put(String path, String jsonBody) {
        return send("PUT", path, jsonBody, V1_JSON);
    }

    /** Registers {@code schema} with {@code POST /subjects/{subject}/versions}. */
    Reply register(String subject, String schema) {
        return post("/subjects/" + subject + "/versions", schemaBody(schema));
    }

    Reply send(String method, String path, String jsonBody, String contentType) {
        return send(method, path, jsonBody, contentType, V1_JSON);
    }

    Reply send(String method, String path, String jsonBody, String contentType, String accept) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
        request.header("Accept", accept);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (jsonBody != null) {
            request.header("Content-Type", contentType);
            request.method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(
                    response.statusCode(),
                    MAPPER.readTree(response.body()),
                    response.headers().firstValue("Content-Type").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code {"schema": schema}} as Confluent's clients send it. */
    static String schemaBody(String schema) {
        return json(Map.of("schema", schema));
    }

    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses an expected body written in the test. */
    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad expected JSON in test: " + json, e);
        }
    }

    /** Confluent's error body. */
    static JsonNode error(int errorCode, String message) {
        return MAPPER.createObjectNode().put("error_code", errorCode).put("message", message);
    }
}
