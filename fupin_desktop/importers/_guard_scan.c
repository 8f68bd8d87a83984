/* The import guard's cell-tag pre-filter in C (importers/guard_cells.py, prefilter(exact=True)).
 *
 * first_hit(buf, start, end, max_columns, max_rows) returns the offset of the first '<c' in
 * buf[start:end] that the regular expression
 *
 *     <c(?! r="REF"(?: [st]="[^"]*+")*+/?>)(?=[\s>/])
 *
 * matches (REF: upper-case column letters <= max_columns, then a row number without a leading
 * zero <= max_rows), or -1. Python's regex engine spends ~0.9 s on the 9 M cell tags of a
 * 150,000-member export entering that pattern at each of them; this loop reads them in about a
 * tenth of it. The pure-Python pattern stays the reference (and the fallback where no compiler
 * built this module): tests/security/test_guard_scan.py checks both find the same hits.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#define GUARD_SSE2 1
#include <emmintrin.h>
#endif

/* the bytes that Python's bytes regex counts as \s */
static int is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* Whether buf[i:end] starts with ' r="REF"' + plainly written s/t attributes + '/?>' with REF
 * inside the limits: the cell the pre-filter lets pass. Anything cut by end fails (as the
 * regex's look-ahead cannot see past the end of the searched range). */
static int plain_cell(const unsigned char *buf, Py_ssize_t i, Py_ssize_t end,
                      long long max_col, long long max_row)
{
    if (end - i < 4 || memcmp(buf + i, " r=\"", 4) != 0)
        return 0;
    i += 4;
    long long col = 0;
    Py_ssize_t letters = 0;
    while (i < end && buf[i] >= 'A' && buf[i] <= 'Z') {
        col = col * 26 + (buf[i] - 'A' + 1);
        if (col > max_col)
            return 0;
        i++;
        letters++;
    }
    if (letters == 0 || i >= end || buf[i] < '1' || buf[i] > '9')
        return 0;
    long long row = 0;
    while (i < end && buf[i] >= '0' && buf[i] <= '9') {
        row = row * 10 + (buf[i] - '0');
        if (row > max_row)
            return 0;
        i++;
    }
    if (i >= end || buf[i] != '"')
        return 0;
    i++;
    /* (?: [st]="[^"]*+")*+ : possessive, so the first failing attribute ends the run */
    while (end - i >= 4 && buf[i] == ' ' && (buf[i + 1] == 's' || buf[i + 1] == 't')
           && buf[i + 2] == '=' && buf[i + 3] == '"') {
        const unsigned char *q = memchr(buf + i + 4, '"', (size_t)(end - i - 4));
        if (q == NULL)
            break;
        i = (q - buf) + 1;
    }
    if (i < end && buf[i] == '>')
        return 1;
    return end - i >= 2 && buf[i] == '/' && buf[i + 1] == '>';
}

/* Whether the '<c' at buf[i] (i + 2 < end) is a hit. */
static int hit_at(const unsigned char *buf, Py_ssize_t i, Py_ssize_t end,
                  long long max_col, long long max_row)
{
    unsigned char after = buf[i + 2];
    return (is_space(after) || after == '>' || after == '/')
           && !plain_cell(buf, i + 2, end, max_col, max_row);
}

static Py_ssize_t scan(const unsigned char *buf, Py_ssize_t start, Py_ssize_t end,
                       long long max_col, long long max_row)
{
    Py_ssize_t i = start;
#ifdef GUARD_SSE2
    /* 16 positions at a time: where '<' is followed by 'c' (a sheet has a '<' every ~10
     * bytes, too often for memchr to pay) */
    const __m128i lt = _mm_set1_epi8('<'), c = _mm_set1_epi8('c');
    while (end - i >= 16 + 2) {
        __m128i a = _mm_loadu_si128((const __m128i *)(buf + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(buf + i + 1));
        unsigned mask = (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(a, lt), _mm_cmpeq_epi8(b, c)));
        while (mask) {
            Py_ssize_t at = i + __builtin_ctz(mask);
            if (hit_at(buf, at, end, max_col, max_row))
                return at;
            mask &= mask - 1;
        }
        i += 16;
    }
#endif
    for (; end - i >= 3; i++) {
        if (buf[i] == '<' && buf[i + 1] == 'c' && hit_at(buf, i, end, max_col, max_row))
            return i;
    }
    return -1;
}

static PyObject *first_hit(PyObject *self, PyObject *args)
{
    Py_buffer view;
    Py_ssize_t start, end;
    long long max_col, max_row;
    if (!PyArg_ParseTuple(args, "y*nnLL", &view, &start, &end, &max_col, &max_row))
        return NULL;
    if (start < 0)
        start = 0;
    if (end > view.len)
        end = view.len;
    Py_ssize_t hit = -1;
    if (start < end) {
        Py_BEGIN_ALLOW_THREADS
        hit = scan((const unsigned char *)view.buf, start, end, max_col, max_row);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(hit);
}

static PyMethodDef methods[] = {
    {"first_hit", first_hit, METH_VARARGS,
     "first_hit(buf, start, end, max_columns, max_rows) -> offset of the first cell tag the "
     "guard must read exactly, or -1"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_guard_scan", "The import guard's cell-tag pre-filter in C.", -1,
    methods,
};

PyMODINIT_FUNC PyInit__guard_scan(void) { return PyModule_Create(&module); }
