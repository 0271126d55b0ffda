/* libnitrokey's side of bench/nitrokey-vs-libnitrokey.sh: authenticate with the admin PIN, write one
   TOTP slot, set the clock and check the slot's code against the host's (HMAC-SHA1 from libcrypto),
   with Debian's libnitrokey through whatever libhidapi-libusb.so.0 LD_LIBRARY_PATH finds (the
   TokenForge stand-in, serving tokenforge-emulator --nitrokey). The Pro must have the factory admin
   PIN. Prints "libnitrokey_ms_mean=… libnitrokey_ms_p95=… runs=N". */
#include <libnitrokey/NK_C_API.h>
#include <openssl/hmac.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* RFC 6238 TOTP, SHA1, 6 digits, 30 s. */
static unsigned totp(const unsigned char *secret, size_t length, uint64_t time)
{
    unsigned char counter[8], digest[20];
    uint64_t step = time / 30;
    for (int i = 7; i >= 0; i--, step >>= 8) counter[i] = (unsigned char)step;
    unsigned int size = sizeof digest;
    HMAC(EVP_sha1(), secret, (int)length, counter, sizeof counter, digest, &size);
    unsigned offset = digest[19] & 0x0F;
    unsigned value = (unsigned)(digest[offset] & 0x7F) << 24 | (unsigned)digest[offset + 1] << 16 |
                     (unsigned)digest[offset + 2] << 8 | digest[offset + 3];
    return value % 1000000;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 20;
    if (runs < 1 || NK_login_auto() != 1) {
        fprintf(stderr, "nk-bench: no Nitrokey found (usage: nk-bench RUNS)\n");
        return 1;
    }
    const char *temporary = "123123123123123123123123";
    double *durations = calloc((size_t)runs, sizeof *durations);
    FILE *random = fopen("/dev/urandom", "rb");
    if (durations == NULL || random == NULL) return 1;
    for (int run = 0; run < runs; run++) {
        unsigned char secret[20];
        char hex[41];
        if (fread(secret, 1, sizeof secret, random) != sizeof secret) return 1;
        for (size_t i = 0; i < sizeof secret; i++) snprintf(hex + 2 * i, 3, "%02x", secret[i]);
        double start = now_ms();
        uint64_t now = (uint64_t)time(NULL);
        if (NK_first_authenticate("12345678", temporary) != 0 ||
            NK_write_totp_slot(0, "bench", hex, 30, false, false, false, "", temporary) != 0 ||
            NK_totp_set_time(now) != 0) {
            fprintf(stderr, "nk-bench: libnitrokey failed, last command status %u\n", NK_get_last_command_status());
            return 1;
        }
        char *code = NK_get_totp_code(0, 0, 0, 0);
        /* The clock ran from `now` while the code was fetched: this step's code or the next one's. */
        unsigned value = code != NULL ? (unsigned)strtoul(code, NULL, 10) : 1000000;
        int verified = code != NULL && code[0] != '\0' &&
                       (value == totp(secret, sizeof secret, now) || value == totp(secret, sizeof secret, now + 5));
        free(code);
        durations[run] = now_ms() - start;
        if (!verified) {
            fprintf(stderr, "nk-bench: the slot's code does not match the host's\n");
            return 1;
        }
    }
    fclose(random);
    NK_logout();
    qsort(durations, (size_t)runs, sizeof *durations, compare);
    double sum = 0;
    for (int i = 0; i < runs; i++) sum += durations[i];
    int p95 = runs * 95 / 100 < runs - 1 ? runs * 95 / 100 : runs - 1;
    printf("libnitrokey_ms_mean=%.2f libnitrokey_ms_p95=%.2f runs=%d\n", sum / runs, durations[p95], runs);
    free(durations);
    return 0;
}
