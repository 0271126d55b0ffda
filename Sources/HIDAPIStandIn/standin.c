/* The hidapi 0.13 C API, answered by tokenforge-emulator over its Unix socket
   (docs/emulator-socket.md). Installed under the sonames libhidapi-hidraw.so.0 and
   libhidapi-libusb.so.0 (scripts/standin-libdir), it serves unmodified hidapi programs. Report
   semantics follow hidapi's Linux hidraw backend. */
#define _GNU_SOURCE
#include <hidapi/hidapi.h>
#include <hidapi/hidapi_libusb.h>

#include "emulator_link.h"
#include "hidapi_standin.h"
#include "wide_text.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hid_device_ {
    struct tf_link *link;
    struct hid_device_info *info; /* one node, owned by the device */
    atomic_int nonblocking;
};

/* The last failure of a call not tied to a device (hid_error(NULL)), per thread. */
static _Thread_local struct {
    int set;
    wchar_t text[TF_ERROR_CAPACITY];
} global_error;

static const wchar_t no_error[] = L"Success";

static void clear_global_error(void)
{
    global_error.set = 0;
}

static void set_global_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void set_global_error(const char *format, ...)
{
    char text[TF_ERROR_CAPACITY];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(text, sizeof text, format, arguments);
    va_end(arguments);
    tf_wide_copy_utf8(global_error.text, TF_ERROR_CAPACITY, text);
    global_error.set = 1;
}

/* Takes a link's error as the global one (a failed open or enumeration). */
static void set_global_error_from(struct tf_link *link)
{
    const wchar_t *error = tf_link_error(link);
    if (error == NULL) error = L"tokenforge-emulator: unknown failure";
    wcsncpy(global_error.text, error, TF_ERROR_CAPACITY - 1);
    global_error.text[TF_ERROR_CAPACITY - 1] = L'\0';
    global_error.set = 1;
}

/* Fails a device call made with a NULL handle instead of crashing. */
static int reject_missing_device(const char *function)
{
    set_global_error("%s: the device handle is NULL", function);
    return -1;
}

static void free_device_info(struct hid_device_info *info)
{
    free(info->path);
    free(info->serial_number);
    free(info->manufacturer_string);
    free(info->product_string);
    free(info);
}

static char *copy_path(const uint8_t *bytes, size_t length)
{
    char *path = malloc(length + 1);
    if (path != NULL) {
        memcpy(path, bytes, length);
        path[length] = '\0';
    }
    return path;
}

/* One device of a DEVICES body, or NULL when the body is truncated or memory runs out. */
static struct hid_device_info *read_device_info(struct tf_body_reader *reader)
{
    size_t count;
    const uint8_t *path = tf_read_string(reader, &count);
    struct hid_device_info *info = calloc(1, sizeof *info);
    if (info == NULL) return NULL;
    info->path = copy_path(path, count);
    info->vendor_id = tf_read_u16(reader);
    info->product_id = tf_read_u16(reader);
    const uint8_t *text = tf_read_string(reader, &count);
    info->serial_number = tf_wide_from_utf8(text, count);
    text = tf_read_string(reader, &count);
    info->manufacturer_string = tf_wide_from_utf8(text, count);
    text = tf_read_string(reader, &count);
    info->product_string = tf_wide_from_utf8(text, count);
    info->release_number = tf_read_u16(reader);
    info->usage_page = tf_read_u16(reader);
    info->usage = tf_read_u16(reader);
    info->interface_number = (int)(int32_t)tf_read_u32(reader);
    info->bus_type = HID_API_BUS_USB;
    if (reader->truncated || info->path == NULL || info->serial_number == NULL || info->manufacturer_string == NULL ||
        info->product_string == NULL) {
        free_device_info(info);
        return NULL;
    }
    return info;
}

/* Asks the emulator for its devices on a short-lived connection. Returns the list (NULL when
   empty) and 0, or -1 with the global error set. */
static int enumerate_devices(struct hid_device_info **devices)
{
    *devices = NULL;
    char reason[TF_ERROR_CAPACITY];
    struct tf_link *link = tf_link_connect(reason, sizeof reason);
    if (link == NULL) {
        set_global_error("%s", reason);
        return -1;
    }
    struct tf_answer answer;
    if (tf_link_request(link, TF_ENUMERATE, NULL, 0, TF_DEVICES, &answer) < 0) {
        set_global_error_from(link);
        tf_link_close(link);
        return -1;
    }
    tf_link_close(link);

    struct tf_body_reader reader = {answer.body, answer.length, 0, 0};
    unsigned count = tf_read_u16(&reader);
    struct hid_device_info *first = NULL, **next = &first;
    int failed = reader.truncated;
    for (unsigned index = 0; index < count && !failed; index++) {
        struct hid_device_info *info = read_device_info(&reader);
        if (info == NULL) {
            failed = 1;
        } else {
            *next = info;
            next = &info->next;
        }
    }
    free(answer.body);
    if (failed) {
        hid_free_enumeration(first);
        set_global_error("tokenforge-emulator: malformed or oversized DEVICES message");
        return -1;
    }
    *devices = first;
    return 0;
}

/* Detaches and returns the first node of `*devices` that `matches`, or NULL. */
static struct hid_device_info *take_device(struct hid_device_info **devices,
                                           int (*matches)(const struct hid_device_info *, const void *),
                                           const void *context)
{
    for (struct hid_device_info **link = devices; *link != NULL; link = &(*link)->next) {
        if (matches(*link, context)) {
            struct hid_device_info *found = *link;
            *link = found->next;
            found->next = NULL;
            return found;
        }
    }
    return NULL;
}

static int has_path(const struct hid_device_info *info, const void *path)
{
    return strcmp(info->path, path) == 0;
}

/* Describes an open device whose enumeration entry is unavailable (it vanished meanwhile). */
static struct hid_device_info *bare_device_info(const char *path)
{
    struct hid_device_info *info = calloc(1, sizeof *info);
    if (info == NULL) return NULL;
    info->path = strdup(path);
    info->serial_number = tf_wide_from_utf8(NULL, 0);
    info->manufacturer_string = tf_wide_from_utf8(NULL, 0);
    info->product_string = tf_wide_from_utf8(NULL, 0);
    info->bus_type = HID_API_BUS_USB;
    if (info->path == NULL || info->serial_number == NULL || info->manufacturer_string == NULL ||
        info->product_string == NULL) {
        free_device_info(info);
        return NULL;
    }
    return info;
}

/* Opens `path` on a fresh connection. `info` (taken over, may be NULL) describes the device;
   without it the device is looked up by enumeration. */
static hid_device *open_device(const char *path, struct hid_device_info *info)
{
    size_t length = strlen(path);
    if (length > UINT16_MAX) {
        hid_free_enumeration(info);
        set_global_error("tokenforge-emulator: device path of %zu bytes is too long", length);
        return NULL;
    }
    char reason[TF_ERROR_CAPACITY];
    struct tf_link *link = tf_link_connect(reason, sizeof reason);
    if (link == NULL) {
        hid_free_enumeration(info);
        set_global_error("%s", reason);
        return NULL;
    }
    uint8_t *body = malloc(2 + length);
    hid_device *device = calloc(1, sizeof *device);
    if (body == NULL || device == NULL) {
        free(body);
        free(device);
        tf_link_close(link);
        hid_free_enumeration(info);
        set_global_error("tokenforge-emulator: out of memory");
        return NULL;
    }
    body[0] = (uint8_t)(length >> 8);
    body[1] = (uint8_t)length;
    memcpy(body + 2, path, length);
    struct tf_answer answer;
    int opened = tf_link_request(link, TF_OPEN, body, 2 + length, TF_OPENED, &answer);
    free(body);
    if (opened < 0) {
        set_global_error_from(link);
        free(device);
        tf_link_close(link);
        hid_free_enumeration(info);
        return NULL;
    }
    free(answer.body);

    if (info == NULL) {
        struct hid_device_info *devices;
        if (enumerate_devices(&devices) == 0) {
            info = take_device(&devices, has_path, path);
            hid_free_enumeration(devices);
        }
        clear_global_error();
    }
    if (info == NULL) info = bare_device_info(path);
    if (info == NULL) {
        free(device);
        tf_link_close(link);
        set_global_error("tokenforge-emulator: out of memory");
        return NULL;
    }
    device->link = link;
    device->info = info;
    atomic_init(&device->nonblocking, 0);
    return device;
}

int HID_API_EXPORT hid_init(void)
{
    clear_global_error();
    return 0;
}

int HID_API_EXPORT hid_exit(void)
{
    clear_global_error();
    return 0;
}

struct hid_device_info HID_API_EXPORT *hid_enumerate(unsigned short vendor_id, unsigned short product_id)
{
    clear_global_error();
    struct hid_device_info *devices;
    if (enumerate_devices(&devices) < 0) return NULL;

    struct hid_device_info **link = &devices;
    while (*link != NULL) {
        struct hid_device_info *info = *link;
        if ((vendor_id == 0 || info->vendor_id == vendor_id) && (product_id == 0 || info->product_id == product_id)) {
            link = &info->next;
        } else {
            *link = info->next;
            free_device_info(info);
        }
    }
    if (devices == NULL) {
        if (vendor_id == 0 && product_id == 0) {
            set_global_error("tokenforge-emulator: no HID devices found");
        } else {
            set_global_error("tokenforge-emulator: no HID devices with VID:PID %04x:%04x found", vendor_id, product_id);
        }
    }
    return devices;
}

void HID_API_EXPORT hid_free_enumeration(struct hid_device_info *devices)
{
    while (devices != NULL) {
        struct hid_device_info *next = devices->next;
        free_device_info(devices);
        devices = next;
    }
}

struct device_match {
    unsigned short vendor_id;
    unsigned short product_id;
    const wchar_t *serial_number;
};

static int matches_ids(const struct hid_device_info *info, const void *context)
{
    const struct device_match *match = context;
    return info->vendor_id == match->vendor_id && info->product_id == match->product_id &&
           (match->serial_number == NULL || wcscmp(match->serial_number, info->serial_number) == 0);
}

hid_device *HID_API_EXPORT hid_open(unsigned short vendor_id, unsigned short product_id, const wchar_t *serial_number)
{
    clear_global_error();
    struct hid_device_info *devices;
    if (enumerate_devices(&devices) < 0) return NULL;
    struct device_match match = {vendor_id, product_id, serial_number};
    struct hid_device_info *info = take_device(&devices, matches_ids, &match);
    hid_free_enumeration(devices);
    if (info == NULL) {
        set_global_error("tokenforge-emulator: no device %04x:%04x%s", vendor_id, product_id,
                         serial_number == NULL ? "" : " with that serial number");
        return NULL;
    }
    return open_device(info->path, info);
}

hid_device *HID_API_EXPORT hid_open_path(const char *path)
{
    clear_global_error();
    if (path == NULL) {
        set_global_error("hid_open_path: the path is NULL");
        return NULL;
    }
    return open_device(path, NULL);
}

/* Reads WRITTEN's COUNT(4); -1 with the device error set when the body is short. */
static long long written_count(hid_device *device, struct tf_answer *answer)
{
    struct tf_body_reader reader = {answer->body, answer->length, 0, 0};
    long long count = tf_read_u32(&reader);
    free(answer->body);
    if (reader.truncated) {
        tf_link_set_error(device->link, "tokenforge-emulator: malformed WRITTEN message");
        return -1;
    }
    return count;
}

int HID_API_EXPORT hid_write(hid_device *device, const unsigned char *data, size_t length)
{
    if (device == NULL) return reject_missing_device("hid_write");
    tf_link_clear_error(device->link);
    if (data == NULL || length == 0) {
        tf_link_set_error(device->link, "hid_write: no data (data[0] must hold the report ID)");
        return -1;
    }
    /* As hidraw does, report ID 0 (a device without numbered reports) is not sent; a numbered
       report goes out whole, its ID being part of the report on the wire. */
    size_t stripped = data[0] == 0 ? 1 : 0;
    struct tf_answer answer;
    if (tf_link_request(device->link, TF_WRITE, data + stripped, length - stripped, TF_WRITTEN, &answer) < 0) return -1;
    long long accepted = written_count(device, &answer);
    if (accepted < 0) return -1;
    accepted += (long long)stripped;
    return accepted > (long long)length ? (int)length : (int)accepted;
}

int HID_API_EXPORT hid_read_timeout(hid_device *device, unsigned char *data, size_t length, int milliseconds)
{
    if (device == NULL) return reject_missing_device("hid_read_timeout");
    tf_link_clear_error(device->link);
    if (data == NULL && length > 0) {
        tf_link_set_error(device->link, "hid_read_timeout: the buffer is NULL");
        return -1;
    }
    return tf_link_read(device->link, data, length, milliseconds < 0 ? -1 : milliseconds);
}

int HID_API_EXPORT hid_read(hid_device *device, unsigned char *data, size_t length)
{
    if (device == NULL) return reject_missing_device("hid_read");
    return hid_read_timeout(device, data, length, atomic_load(&device->nonblocking) ? 0 : -1);
}

int HID_API_EXPORT hid_set_nonblocking(hid_device *device, int nonblock)
{
    if (device == NULL) return reject_missing_device("hid_set_nonblocking");
    tf_link_clear_error(device->link);
    atomic_store(&device->nonblocking, nonblock != 0);
    return 0;
}

int HID_API_EXPORT hid_send_feature_report(hid_device *device, const unsigned char *data, size_t length)
{
    if (device == NULL) return reject_missing_device("hid_send_feature_report");
    tf_link_clear_error(device->link);
    if (data == NULL || length == 0) {
        tf_link_set_error(device->link, "hid_send_feature_report: no data (data[0] must hold the report ID)");
        return -1;
    }
    struct tf_answer answer;
    if (tf_link_request(device->link, TF_SET_FEATURE, data, length, TF_WRITTEN, &answer) < 0) return -1;
    long long accepted = written_count(device, &answer);
    if (accepted < 0) return -1;
    return accepted > (long long)length ? (int)length : (int)accepted;
}

int HID_API_EXPORT hid_get_feature_report(hid_device *device, unsigned char *data, size_t length)
{
    if (device == NULL) return reject_missing_device("hid_get_feature_report");
    tf_link_clear_error(device->link);
    if (data == NULL || length == 0) {
        tf_link_set_error(device->link, "hid_get_feature_report: no buffer (data[0] must hold the report ID)");
        return -1;
    }
    size_t wanted = length - 1 > UINT16_MAX ? UINT16_MAX : length - 1;
    uint8_t request[3] = {data[0], (uint8_t)(wanted >> 8), (uint8_t)wanted};
    struct tf_answer answer;
    if (tf_link_request(device->link, TF_GET_FEATURE, request, sizeof request, TF_FEATURE, &answer) < 0) return -1;
    if (answer.length < 1) {
        free(answer.body);
        tf_link_set_error(device->link, "tokenforge-emulator: malformed FEATURE message");
        return -1;
    }
    /* Like HIDIOCGFEATURE: the report ID first, and the count includes it. */
    size_t count = answer.length < length ? answer.length : length;
    memcpy(data, answer.body, count);
    free(answer.body);
    return (int)count;
}

int HID_API_EXPORT hid_get_input_report(hid_device *device, unsigned char *data, size_t length)
{
    (void)data;
    (void)length;
    if (device == NULL) return reject_missing_device("hid_get_input_report");
    tf_link_set_error(device->link, "hid_get_input_report: not supported by tokenforge-emulator");
    return -1;
}

void HID_API_EXPORT hid_close(hid_device *device)
{
    if (device == NULL) return;
    tf_link_close(device->link);
    hid_free_enumeration(device->info);
    free(device);
}

static int copy_device_string(hid_device *device, const wchar_t *value, wchar_t *string, size_t maxlen)
{
    tf_link_clear_error(device->link);
    if (string == NULL || maxlen == 0) {
        tf_link_set_error(device->link, "Zero buffer/length");
        return -1;
    }
    wcsncpy(string, value, maxlen);
    string[maxlen - 1] = L'\0';
    return 0;
}

int HID_API_EXPORT_CALL hid_get_manufacturer_string(hid_device *device, wchar_t *string, size_t maxlen)
{
    if (device == NULL) return reject_missing_device("hid_get_manufacturer_string");
    return copy_device_string(device, device->info->manufacturer_string, string, maxlen);
}

int HID_API_EXPORT_CALL hid_get_product_string(hid_device *device, wchar_t *string, size_t maxlen)
{
    if (device == NULL) return reject_missing_device("hid_get_product_string");
    return copy_device_string(device, device->info->product_string, string, maxlen);
}

int HID_API_EXPORT_CALL hid_get_serial_number_string(hid_device *device, wchar_t *string, size_t maxlen)
{
    if (device == NULL) return reject_missing_device("hid_get_serial_number_string");
    return copy_device_string(device, device->info->serial_number, string, maxlen);
}

struct hid_device_info HID_API_EXPORT *hid_get_device_info(hid_device *device)
{
    if (device == NULL) {
        reject_missing_device("hid_get_device_info");
        return NULL;
    }
    tf_link_clear_error(device->link);
    return device->info;
}

int HID_API_EXPORT_CALL hid_get_indexed_string(hid_device *device, int string_index, wchar_t *string, size_t maxlen)
{
    (void)string_index;
    (void)string;
    (void)maxlen;
    if (device == NULL) return reject_missing_device("hid_get_indexed_string");
    tf_link_set_error(device->link, "hid_get_indexed_string: not supported by tokenforge-emulator");
    return -1;
}

HID_API_EXPORT const wchar_t *hid_error(hid_device *device)
{
    if (device == NULL) return global_error.set ? global_error.text : no_error;
    const wchar_t *error = tf_link_error(device->link);
    return error != NULL ? error : no_error;
}

HID_API_EXPORT const struct hid_api_version *hid_version(void)
{
    static const struct hid_api_version version = {0, 13, 1};
    return &version;
}

HID_API_EXPORT const char *hid_version_str(void)
{
    return "0.13.1";
}

/* libhidapi-libusb.so.0 exports this too; the emulator has no USB file descriptors to wrap. */
HID_API_EXPORT hid_device *hid_libusb_wrap_sys_device(intptr_t sys_dev, int interface_num)
{
    (void)sys_dev;
    (void)interface_num;
    set_global_error("hid_libusb_wrap_sys_device: not supported by tokenforge-emulator");
    return NULL;
}

const char *tokenforge_hidapi_standin_version(void)
{
    return "tokenforge hidapi stand-in: hidapi 0.13.1 API, emulator socket protocol 1";
}
