/* hid-probe: an ordinary hidapi program for tests and benchmarks, with no TokenForge code.
   Build: gcc -O2 -Wall -Wextra hid-probe.c -o hid-probe -lhidapi-hidraw   (or -lhidapi-libusb)

   hid-probe list
       One tab-separated line per device:
       path, vid:pid (hex), serial, manufacturer, product, usage page (hex).
   hid-probe roundtrip PATH N
       Opens PATH and N times writes a CTAPHID-style INIT packet (channel ffffffff, command 0x86,
       8-byte nonce) and reads the 64-byte reply within 1000 ms, checking that bytes 7..14 echo the
       nonce. Prints "N round trips in S s: R/s". Any failure exits non-zero with hid_error's text. */
#include <hidapi/hidapi.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REPORT_SIZE 64
#define READ_TIMEOUT_MS 1000

/* Writes a wide string as UTF-8, independent of the C locale. */
static void print_wide(FILE *stream, const wchar_t *text)
{
    if (text == NULL) return;
    for (; *text != L'\0'; text++) {
        uint32_t c = (uint32_t)*text;
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0xFFFD;
        if (c < 0x80) {
            putc((int)c, stream);
        } else if (c < 0x800) {
            putc((int)(0xC0 | c >> 6), stream);
            putc((int)(0x80 | (c & 0x3F)), stream);
        } else if (c < 0x10000) {
            putc((int)(0xE0 | c >> 12), stream);
            putc((int)(0x80 | (c >> 6 & 0x3F)), stream);
            putc((int)(0x80 | (c & 0x3F)), stream);
        } else {
            putc((int)(0xF0 | c >> 18), stream);
            putc((int)(0x80 | (c >> 12 & 0x3F)), stream);
            putc((int)(0x80 | (c >> 6 & 0x3F)), stream);
            putc((int)(0x80 | (c & 0x3F)), stream);
        }
    }
}

/* Prints `what` and hid_error's text to stderr. */
static void report_failure(const char *what, hid_device *device)
{
    const wchar_t *error = hid_error(device);
    fflush(stdout);
    fprintf(stderr, "hid-probe: %s: ", what);
    print_wide(stderr, error != NULL ? error : L"(no error text)");
    putc('\n', stderr);
}

static int list_devices(void)
{
    struct hid_device_info *devices = hid_enumerate(0, 0);
    if (devices == NULL) {
        report_failure("no HID devices", NULL);
        return 1;
    }
    for (struct hid_device_info *info = devices; info != NULL; info = info->next) {
        printf("%s\t%04x:%04x\t", info->path, info->vendor_id, info->product_id);
        print_wide(stdout, info->serial_number);
        putchar('\t');
        print_wide(stdout, info->manufacturer_string);
        putchar('\t');
        print_wide(stdout, info->product_string);
        printf("\t0x%04x\n", info->usage_page);
    }
    hid_free_enumeration(devices);
    return 0;
}

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* A different nonce for every round trip. */
static void make_nonce(uint8_t nonce[8], uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    for (int index = 0; index < 8; index++) nonce[index] = (uint8_t)(*state >> (8 * index));
}

static int round_trips(const char *path, long count)
{
    hid_device *device = hid_open_path(path);
    if (device == NULL) {
        report_failure("cannot open device", NULL);
        return 1;
    }
    uint64_t state = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 0x9E3779B97F4A7C15u;
    double start = seconds_now();
    for (long trip = 1; trip <= count; trip++) {
        uint8_t packet[1 + REPORT_SIZE] = {0};
        uint8_t nonce[8];
        make_nonce(nonce, &state);
        packet[0] = 0x00; /* report ID: the device has no numbered reports */
        memset(packet + 1, 0xFF, 4); /* broadcast channel */
        packet[5] = 0x86; /* INIT */
        packet[6] = 0x00;
        packet[7] = 0x08; /* payload length */
        memcpy(packet + 8, nonce, sizeof nonce);

        int written = hid_write(device, packet, sizeof packet);
        if (written != (int)sizeof packet) {
            char what[96];
            snprintf(what, sizeof what, "round trip %ld: hid_write returned %d, not %zu", trip, written, sizeof packet);
            report_failure(what, device);
            hid_close(device);
            return 1;
        }
        uint8_t reply[REPORT_SIZE];
        int got = hid_read_timeout(device, reply, sizeof reply, READ_TIMEOUT_MS);
        if (got == 0) {
            fprintf(stderr, "hid-probe: round trip %ld: no reply within %d ms\n", trip, READ_TIMEOUT_MS);
            hid_close(device);
            return 1;
        }
        if (got != REPORT_SIZE) {
            char what[96];
            snprintf(what, sizeof what, "round trip %ld: hid_read_timeout returned %d, not %d", trip, got, REPORT_SIZE);
            report_failure(what, device);
            hid_close(device);
            return 1;
        }
        if (memcmp(reply + 7, nonce, sizeof nonce) != 0) {
            fprintf(stderr, "hid-probe: round trip %ld: the reply does not echo the nonce\n", trip);
            hid_close(device);
            return 1;
        }
    }
    double elapsed = seconds_now() - start;
    hid_close(device);
    printf("%ld round trips in %.3f s: %.0f/s\n", count, elapsed, elapsed > 0 ? (double)count / elapsed : 0.0);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: hid-probe list\n       hid-probe roundtrip PATH N\n");
    return 2;
}

int main(int argc, char **argv)
{
    int status;
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        if (hid_init() != 0) {
            report_failure("hid_init failed", NULL);
            return 1;
        }
        status = list_devices();
    } else if (argc == 4 && strcmp(argv[1], "roundtrip") == 0) {
        char *end;
        errno = 0;
        long count = strtol(argv[3], &end, 10);
        if (errno != 0 || end == argv[3] || *end != '\0' || count < 1) {
            fprintf(stderr, "hid-probe: N must be a positive number, not \"%s\"\n", argv[3]);
            return 2;
        }
        if (hid_init() != 0) {
            report_failure("hid_init failed", NULL);
            return 1;
        }
        status = round_trips(argv[2], count);
    } else {
        return usage();
    }
    hid_exit();
    return status;
}
