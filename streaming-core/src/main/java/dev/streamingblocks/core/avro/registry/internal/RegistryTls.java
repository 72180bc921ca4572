package dev.streamingblocks.core.avro.registry.internal;

import dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS set-up of {@code HttpSchemaRegistryClient}: loads the configured trust and key stores
 * into an {@link SSLContext}. A store that cannot be loaded gives an {@link IllegalArgumentException}
 * naming the file, its configuration key and type, and the reason in plain words; passwords are
 * never part of it.
 */
public final class RegistryTls {

    private RegistryTls() {}

    /**
     * The TLS context for the given stores; a null location means the JDK's default trust, or no
     * client certificate. {@code keyPassword} null means the key store's password.
     */
    public static SSLContext sslContext(
            Path trustStoreLocation,
            String trustStoreType,
            String trustStorePassword,
            Path keyStoreLocation,
            String keyStoreType,
            String keyStorePassword,
            String keyPassword) {
        TrustManager[] trustManagers = null; // null: the JDK's default trust
        KeyManager[] keyManagers = null; // null: present no client certificate
        if (trustStoreLocation != null) {
            KeyStore trustStore = loadStore(
                    "trust store",
                    trustStoreLocation,
                    trustStoreType,
                    trustStorePassword,
                    SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION_CONFIG,
                    SchemaRegistryClientConfig.SSL_TRUSTSTORE_PASSWORD_CONFIG);
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trustStore);
                trustManagers = tmf.getTrustManagers();
            } catch (GeneralSecurityException e) {
                throw storeProblem(
                        "trust store",
                        trustStoreLocation,
                        SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION_CONFIG,
                        trustStoreType,
                        e.getClass().getSimpleName() + ": " + e.getMessage(),
                        e);
            }
        }
        if (keyStoreLocation != null) {
            KeyStore keyStore = loadStore(
                    "key store",
                    keyStoreLocation,
                    keyStoreType,
                    keyStorePassword,
                    SchemaRegistryClientConfig.SSL_KEYSTORE_LOCATION_CONFIG,
                    SchemaRegistryClientConfig.SSL_KEYSTORE_PASSWORD_CONFIG);
            try {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore, keyPassword == null ? null : keyPassword.toCharArray());
                keyManagers = kmf.getKeyManagers();
            } catch (GeneralSecurityException e) {
                String why = e instanceof UnrecoverableKeyException
                        ? "wrong key password (" + SchemaRegistryClientConfig.SSL_KEY_PASSWORD_CONFIG + ")"
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
                throw storeProblem(
                        "key store",
                        keyStoreLocation,
                        SchemaRegistryClientConfig.SSL_KEYSTORE_LOCATION_CONFIG,
                        keyStoreType,
                        why,
                        e);
            }
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot set up TLS for the schema registry: " + e, e);
        }
    }

    private static KeyStore loadStore(
            String what, Path location, String type, String password, String locationKey, String passwordKey) {
        try (InputStream in = Files.newInputStream(location)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            // The JDK words a wrong password differently per store type and version; say it
            // plainly.
            String why = e instanceof UnrecoverableKeyException || e.getCause() instanceof UnrecoverableKeyException
                    ? "wrong password (" + passwordKey + ") or a damaged file"
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            throw storeProblem(what, location, locationKey, type, why, e);
        }
    }

    private static IllegalArgumentException storeProblem(
            String what, Path location, String locationKey, String type, String why, Exception e) {
        return new IllegalArgumentException(
                "Cannot load the " + what + " '" + location + "' (" + locationKey + ", type " + type + "): " + why, e);
    }
}
