/* A Nitrokey Pro peer test: Debian's libnitrokey, unmodified, drives the token that
   tokenforge-emulator serves through the TokenForge hidapi stand-in (LD_LIBRARY_PATH puts it in
   front of libhidapi-libusb.so.0). Run by Tests/TokenForgeCLITests/NitrokeyPeerTests.swift.

   nk-peer conformance        PINs, retry counts, writes, RFC 6238 codes, names, erase, factory reset
   nk-peer write SLOT NAME    writes TOTP slot SLOT (30 s, 6 digits); the secret (hex) comes from
                              NK_PEER_SECRET_HEX, the admin PIN from NK_PEER_ADMIN_PIN (else 12345678)
   nk-peer code SLOT TIME     sets the token's clock to TIME, prints the slot's TOTP code
   nk-peer name SLOT          prints the slot's name

   Exit status 0 when every check passed; each failure is printed with what was expected. */
#include <libnitrokey/NK_C_API.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *temporary_password = "123123123123123123123123";
static int failures;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) failures++;
}

static void check_int(int actual, int expected, const char *what)
{
    char line[256];
    snprintf(line, sizeof line, "%s: %d (expected %d)", what, actual, expected);
    check(actual == expected, line);
}

/* Compares a string the library allocated, then frees it. */
static void check_string(char *actual, const char *expected, const char *what)
{
    char line[256];
    snprintf(line, sizeof line, "%s: \"%s\" (expected \"%s\")", what, actual ? actual : "(null)", expected);
    check(actual != NULL && strcmp(actual, expected) == 0, line);
    free(actual);
}

static const char *admin_pin(void)
{
    const char *pin = getenv("NK_PEER_ADMIN_PIN");
    return pin != NULL && pin[0] != '\0' ? pin : "12345678";
}

static int login(void)
{
    if (NK_login_auto() != 1) {
        fprintf(stderr, "nk-peer: libnitrokey found no Nitrokey (is the emulator running, LD_LIBRARY_PATH set?)\n");
        return 0;
    }
    return 1;
}

static int conformance(void)
{
    if (!login()) return 1;
    struct NK_status status;
    check_int(NK_get_status(&status), 0, "NK_get_status");
    printf("firmware %u.%u\n", status.firmware_version_major, status.firmware_version_minor);
    char *serial = NK_device_serial_number();
    check(serial != NULL && strlen(serial) > 0, "NK_device_serial_number is not empty");
    free(serial);

    check_int(NK_get_admin_retry_count(), 3, "admin retries at start");
    check_int(NK_first_authenticate("00000000", temporary_password), 4, "NK_first_authenticate, wrong PIN");
    check_int(NK_get_admin_retry_count(), 2, "admin retries after a wrong PIN");
    check_int(NK_first_authenticate("12345678", temporary_password), 0, "NK_first_authenticate, right PIN");
    check_int(NK_get_admin_retry_count(), 3, "admin retries after the right PIN");

    /* RFC 6238 appendix B, SHA1: the seed is the ASCII of 12345678901234567890. */
    const char *rfc_seed = "3132333435363738393031323334353637383930";
    check_int(NK_write_totp_slot(1, "rfc6238", rfc_seed, 30, true, false, false, "", temporary_password), 0,
              "NK_write_totp_slot 1, 8 digits");
    check_string(NK_get_totp_slot_name(1), "rfc6238", "NK_get_totp_slot_name 1");
    static const struct {
        uint64_t time;
        const char *code;
    } vectors[] = {
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000ULL, "65353130"},
    };
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        char what[96];
        check_int(NK_totp_set_time(vectors[i].time), 0, "NK_totp_set_time");
        char *code = NK_get_totp_code(1, 0, 0, 0);
        printf("code %" PRIu64 " %s\n", vectors[i].time, code ? code : "");
        snprintf(what, sizeof what, "NK_get_totp_code 1 at %" PRIu64, vectors[i].time);
        check_string(code, vectors[i].code, what);
    }

    if (status.firmware_version_minor >= 8) {
        /* A 40-byte seed (firmware 0.8 and later): the Swift side compares the code with oathtool. */
        const char *long_seed = "3132333435363738393031323334353637383930"
                                "3132333435363738393031323334353637383930";
        check_int(NK_write_totp_slot(2, "forty", long_seed, 30, false, false, false, "", temporary_password), 0,
                  "NK_write_totp_slot 2, 40-byte seed");
        check_int(NK_totp_set_time(1700000000), 0, "NK_totp_set_time");
        char *code = NK_get_totp_code(2, 0, 0, 0);
        printf("code40 1700000000 %s\n", code ? code : "");
        check(code != NULL && strlen(code) == 6, "NK_get_totp_code 2 has 6 digits");
        free(code);
    }

    check_int(NK_erase_totp_slot(1, temporary_password), 0, "NK_erase_totp_slot 1");
    check_string(NK_get_totp_slot_name(1), "", "NK_get_totp_slot_name 1 after erasing");
    check_int(NK_get_last_command_status(), 3, "last command status: slot not programmed");

    check_int(NK_factory_reset("00000000"), 4, "NK_factory_reset, wrong PIN");
    check_int(NK_get_admin_retry_count(), 2, "admin retries after a wrong PIN");
    check_int(NK_factory_reset("12345678"), 0, "NK_factory_reset, right PIN");
    check_int(NK_get_admin_retry_count(), 3, "admin retries after the reset");
    check_string(NK_get_totp_slot_name(2), "", "NK_get_totp_slot_name 2 after the reset");
    NK_logout();
    printf("%d failures\n", failures);
    return failures == 0 ? 0 : 1;
}

static int write_slot(int slot, const char *name)
{
    const char *secret = getenv("NK_PEER_SECRET_HEX");
    if (secret == NULL || secret[0] == '\0') {
        fprintf(stderr, "nk-peer: set NK_PEER_SECRET_HEX to the secret in hex\n");
        return 2;
    }
    if (!login()) return 1;
    check_int(NK_first_authenticate(admin_pin(), temporary_password), 0, "NK_first_authenticate");
    check_int(NK_write_totp_slot((uint8_t)slot, name, secret, 30, false, false, false, "", temporary_password), 0,
              "NK_write_totp_slot");
    NK_logout();
    return failures == 0 ? 0 : 1;
}

static int code(int slot, uint64_t time)
{
    if (!login()) return 1;
    if (NK_totp_set_time(time) != 0) {
        fprintf(stderr, "nk-peer: NK_totp_set_time failed: %u\n", NK_get_last_command_status());
        return 1;
    }
    char *value = NK_get_totp_code((uint8_t)slot, 0, 0, 0);
    int ok = value != NULL && value[0] != '\0';
    if (ok) printf("%s\n", value);
    else fprintf(stderr, "nk-peer: NK_get_totp_code failed: %u\n", NK_get_last_command_status());
    free(value);
    NK_logout();
    return ok ? 0 : 1;
}

static int name(int slot)
{
    if (!login()) return 1;
    char *value = NK_get_totp_slot_name((uint8_t)slot);
    printf("%s\n", value ? value : "");
    free(value);
    NK_logout();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "conformance") == 0) return conformance();
    if (argc == 4 && strcmp(argv[1], "write") == 0) return write_slot(atoi(argv[2]), argv[3]);
    if (argc == 4 && strcmp(argv[1], "code") == 0) return code(atoi(argv[2]), strtoull(argv[3], NULL, 10));
    if (argc == 3 && strcmp(argv[1], "name") == 0) return name(atoi(argv[2]));
    fprintf(stderr, "usage: nk-peer conformance | write SLOT NAME | code SLOT TIME | name SLOT\n");
    return 2;
}
