/* One connection to tokenforge-emulator (docs/emulator-socket.md): framing, request/answer
   pairing, buffering of INPUT reports, timeouts, and the last error of the connection. */
#ifndef TOKENFORGE_STANDIN_EMULATOR_LINK_H
#define TOKENFORGE_STANDIN_EMULATOR_LINK_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#ifndef TF_INTERNAL
#define TF_INTERNAL __attribute__((visibility("hidden")))
#endif

/* Message types, docs/emulator-socket.md "Messages". */
enum tf_message_type {
    TF_ENUMERATE = 0x02,
    TF_OPEN = 0x03,
    TF_WRITE = 0x04,
    TF_SET_FEATURE = 0x05,
    TF_GET_FEATURE = 0x06,
    TF_CONTROL = 0x10,
    TF_DEVICES = 0x82,
    TF_OPENED = 0x83,
    TF_INPUT = 0x84,
    TF_WRITTEN = 0x85,
    TF_FEATURE = 0x86,
    TF_CONTROL_OK = 0x90,
    TF_ERROR = 0xEE,
};

/* Largest LENGTH field (TYPE + BODY) the protocol allows. */
#define TF_MAX_MESSAGE_LENGTH 65536
/* Wide characters kept for an error text, terminator included. */
#define TF_ERROR_CAPACITY 512
/* Input reports buffered per device; like the kernel's hidraw buffer, newer reports are dropped
   while it is full. */
#define TF_INPUT_QUEUE_CAPACITY 64
/* How long a request waits for its answer (hidraw's USB control/interrupt writes give up after
   5 s as well). */
#define TF_ANSWER_TIMEOUT_MS 5000

struct tf_link;

/* The answer to a request; `body` is the caller's to free. */
struct tf_answer {
    uint8_t type;
    uint8_t *body;
    size_t length;
};

/* Connects to the socket named by TOKENFORGE_EMULATOR_SOCKET. On failure returns NULL and writes
   a UTF-8 reason into `reason`. */
TF_INTERNAL struct tf_link *tf_link_connect(char *reason, size_t reason_capacity);

/* Closes the connection and frees everything it holds. */
TF_INTERNAL void tf_link_close(struct tf_link *link);

/* Sends one request and waits for its answer, buffering INPUT reports that arrive meanwhile.
   Returns 0 and fills `answer` when the answer has type `expected`; otherwise returns -1 with the
   link's error set (an ERROR answer's message, a closed connection, a timeout, a protocol
   violation). Requests from several threads are answered one at a time. */
TF_INTERNAL int tf_link_request(struct tf_link *link, uint8_t type, const uint8_t *body, size_t length,
                                uint8_t expected, struct tf_answer *answer);

/* Copies at most `length` bytes of the next input report into `data`. Waits `milliseconds`
   (-1: without limit). Returns the bytes copied, 0 on timeout, -1 on failure (error set). */
TF_INTERNAL int tf_link_read(struct tf_link *link, uint8_t *data, size_t length, int milliseconds);

/* The link's last error, or NULL when the last call succeeded. */
TF_INTERNAL const wchar_t *tf_link_error(struct tf_link *link);
TF_INTERNAL void tf_link_clear_error(struct tf_link *link);
TF_INTERNAL void tf_link_set_error(struct tf_link *link, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Reads a message body field by field; once a read runs past the end, `truncated` is set and
   every later read yields zero/empty. */
struct tf_body_reader {
    const uint8_t *bytes;
    size_t length;
    size_t offset;
    int truncated;
};

static inline const uint8_t *tf_read_bytes(struct tf_body_reader *reader, size_t count)
{
    if (reader->truncated || reader->length - reader->offset < count) {
        reader->truncated = 1;
        return NULL;
    }
    const uint8_t *start = reader->bytes + reader->offset;
    reader->offset += count;
    return start;
}

static inline uint16_t tf_read_u16(struct tf_body_reader *reader)
{
    const uint8_t *bytes = tf_read_bytes(reader, 2);
    return bytes == NULL ? 0 : (uint16_t)(bytes[0] << 8 | bytes[1]);
}

static inline uint32_t tf_read_u32(struct tf_body_reader *reader)
{
    const uint8_t *bytes = tf_read_bytes(reader, 4);
    return bytes == NULL ? 0
                         : (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
}

/* A protocol string: BYTES(2) UTF-8. Returns its bytes (not NUL-terminated) and their count. */
static inline const uint8_t *tf_read_string(struct tf_body_reader *reader, size_t *count)
{
    size_t length = tf_read_u16(reader);
    const uint8_t *bytes = tf_read_bytes(reader, length);
    *count = bytes == NULL ? 0 : length;
    return bytes == NULL ? (const uint8_t *)"" : bytes;
}

#endif
