package dev.streamingblocks.registry.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegistryErrorCodesTest {

    @Test
    void eachCodeMapsToTheHttpStatusConfluentAnswersWith() {
        assertThat(RegistryErrorCodes.httpStatus(RegistryErrorCodes.SUBJECT_NOT_FOUND))
                .isEqualTo(404);
        assertThat(RegistryErrorCodes.httpStatus(RegistryErrorCodes.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED))
                .isEqualTo(404);
        assertThat(RegistryErrorCodes.httpStatus(RegistryErrorCodes.INCOMPATIBLE_SCHEMA))
                .isEqualTo(409);
        assertThat(RegistryErrorCodes.httpStatus(RegistryErrorCodes.INVALID_COMPATIBILITY_LEVEL))
                .isEqualTo(422);
        assertThat(RegistryErrorCodes.httpStatus(RegistryErrorCodes.STORE_ERROR))
                .isEqualTo(500);
    }
}
