/* Streaming reader of a worksheet's rows (importers/xlsx_rows.py), in C.
 *
 * python-calamine reads a whole sheet before it gives the first row: a county's 150,000-member
 * export is a 436 MB sheet, 6 s and 650 MB before the import starts. This decodes the sheet XML
 * as it is inflated, a chunk at a time, straight into Python row lists, and keeps nothing but
 * the bytes of a row cut by the chunk's end.
 *
 * It reads only what it can read exactly as calamine does (python-calamine is the reference,
 * tests/unit/test_xlsx_rows.py compares both): shared, inline and formula strings, plain
 * numbers (float), booleans, errors (''), empty cells (''). Anything else (a number in a date
 * or other non-plain style, t="d", a cell or row without its reference, an _xHHHH_ escape, a
 * carriage return, an unknown entity) raises Unsupported, and the caller carries on with
 * calamine from the next row.
 *
 *   Rows(width, shared_strings: list[str], plain_styles: bytes, stop=0)  (no row past stop)
 *   Rows.feed(chunk: bytes) -> list[(row_number, list)]   (row_number as Excel shows it)
 *   Rows.close() -> list[(row_number, list)]               (what is left at the end)
 *   shared_strings(xml: bytes) -> list[str]
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static PyObject *Unsupported;  /* the exception */
static PyObject *EMPTY;        /* '' */

/* A short text's bytes and its str. Why not a dict of bytes: a key object made and freed for
 * each of the millions of text cells cost a fifth of the decoding. */
#define SLOT_BYTES 24
#define SLOTS (1 << 17)
struct slot {
    unsigned char len;
    char bytes[SLOT_BYTES];
    PyObject *str;
};

typedef struct {
    PyObject_HEAD
    Py_ssize_t width;
    long long stop;     /* no row past this one is decoded (0: all) */
    PyObject *sst;      /* list of str */
    PyObject *plain;    /* bytes: plain[s] == 1 for a style a number may have */
    struct slot *cache; /* short text -> its str (one object per value), open addressing */
    char *carry;        /* bytes after the last complete row */
    Py_ssize_t carry_len, carry_cap;
    char *text;         /* scratch for unescaped text */
    Py_ssize_t text_cap;
} Rows;

/* needle in p..end. The spans searched here are short (a tag, a cell's content), where a plain
 * loop beats memchr's and memcmp's call overhead, which was half of the decoding. */
static inline const char *find(const char *p, const char *end, const char *needle, size_t n)
{
    const char c0 = needle[0];
    for (end -= n - 1; p < end; p++) {
        if (*p != c0)
            continue;
        size_t i = 1;
        while (i < n && p[i] == needle[i])
            i++;
        if (i == n)
            return p;
    }
    return NULL;
}

/* c in p..end, or NULL: an inline loop, for the same reason as find() */
static inline const char *chr(const char *p, const char *end, char c)
{
    for (; p < end; p++)
        if (*p == c)
            return p;
    return NULL;
}

/* the value of attribute `name` (e.g. " r=\"") inside the tag p..gt, or NULL */
static const char *attr(const char *p, const char *gt, const char *name, size_t n,
                        const char **vend)
{
    const char *a = find(p, gt, name, n);
    if (a == NULL)
        return NULL;
    a += n;
    const char *q = chr(a, gt, '"');
    if (q == NULL)
        return NULL;
    *vend = q;
    return a;
}

static int grow_text(Rows *self, Py_ssize_t need)
{
    if (need <= self->text_cap)
        return 0;
    Py_ssize_t cap = need * 2 + 64;
    char *t = PyMem_Realloc(self->text, (size_t)cap);
    if (t == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->text = t;
    self->text_cap = cap;
    return 0;
}

/* Append the XML text p..end, unescaped, to self->text at *len. -1 with an exception set
 * (Unsupported for what calamine may read otherwise). */
static int unescape(Rows *self, const char *p, const char *end, Py_ssize_t *len)
{
    if (grow_text(self, *len + (end - p) + 4) < 0)
        return -1;
    char *out = self->text + *len;
    while (p < end) {
        char c = *p;
        if (c == '\r' || (c == '_' && end - p >= 7 && p[1] == 'x' && p[6] == '_')) {
            PyErr_SetString(Unsupported, "line end or _xHHHH_ escape");
            return -1;
        }
        if (c != '&') {
            *out++ = c;
            p++;
            continue;
        }
        const char *semi = chr(p, end, ';');
        if (semi == NULL || semi - p > 10) {
            PyErr_SetString(Unsupported, "bare ampersand");
            return -1;
        }
        Py_ssize_t n = semi - p - 1;
        const char *e = p + 1;
        if (n == 3 && memcmp(e, "amp", 3) == 0) *out++ = '&';
        else if (n == 2 && memcmp(e, "lt", 2) == 0) *out++ = '<';
        else if (n == 2 && memcmp(e, "gt", 2) == 0) *out++ = '>';
        else if (n == 4 && memcmp(e, "quot", 4) == 0) *out++ = '"';
        else if (n == 4 && memcmp(e, "apos", 4) == 0) *out++ = '\'';
        else if (n >= 2 && e[0] == '#') {
            unsigned long cp = 0;
            int hex = e[1] == 'x';
            const char *d = e + 1 + hex;
            if (d >= semi) {
                PyErr_SetString(Unsupported, "empty character reference");
                return -1;
            }
            for (; d < semi; d++) {
                int v;
                if (*d >= '0' && *d <= '9') v = *d - '0';
                else if (hex && *d >= 'a' && *d <= 'f') v = *d - 'a' + 10;
                else if (hex && *d >= 'A' && *d <= 'F') v = *d - 'A' + 10;
                else {
                    PyErr_SetString(Unsupported, "bad character reference");
                    return -1;
                }
                cp = cp * (hex ? 16 : 10) + (unsigned long)v;
                if (cp > 0x10FFFF) break;
            }
            if (cp == 0 || cp == '\r' || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                PyErr_SetString(Unsupported, "character reference");
                return -1;
            }
            if (cp < 0x80) *out++ = (char)cp;
            else if (cp < 0x800) {
                *out++ = (char)(0xC0 | (cp >> 6));
                *out++ = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                *out++ = (char)(0xE0 | (cp >> 12));
                *out++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *out++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *out++ = (char)(0xF0 | (cp >> 18));
                *out++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                *out++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *out++ = (char)(0x80 | (cp & 0x3F));
            }
        } else {
            PyErr_SetString(Unsupported, "entity");
            return -1;
        }
        p = semi + 1;
    }
    *len = out - self->text;
    return 0;
}

/* The texts of the <t> elements in p..end, not inside <rPh> (phonetic runs), unescaped into
 * self->text; their length, or -1. */
static Py_ssize_t runs_text(Rows *self, const char *p, const char *end)
{
    Py_ssize_t len = 0;
    for (;;) {
        const char *t = find(p, end, "<t", 2);
        if (t == NULL)
            return len;
        const char *ph = find(p, t, "<rPh", 4);
        if (ph != NULL) {  /* skip the phonetic run */
            const char *close = find(ph, end, "</rPh>", 6);
            if (close == NULL)
                return len;
            p = close + 6;
            continue;
        }
        if (t[2] != '>' && t[2] != ' ' && t[2] != '/') {  /* <tag other than t> */
            p = t + 2;
            continue;
        }
        const char *gt = chr(t, end, '>');
        if (gt == NULL)
            return len;
        if (gt[-1] == '/') {  /* <t/> */
            p = gt + 1;
            continue;
        }
        const char *close = find(gt + 1, end, "</t>", 4);
        if (close == NULL)
            return len;
        if (unescape(self, gt + 1, close, &len) < 0)
            return -1;
        p = close + 4;
    }
}

/* A str for self->text[0:len]: short ones from the cache (the same 是, 否, village name on
 * every row is one object). */
static PyObject *decode(const char *s, Py_ssize_t len)
{
    PyObject *u = PyUnicode_DecodeUTF8(s, len, "strict");
    if (u == NULL && PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
        PyErr_Clear();  /* calamine's own message for a damaged file */
        PyErr_SetString(Unsupported, "not UTF-8");
    }
    return u;
}

static PyObject *text_object(Rows *self, Py_ssize_t len)
{
    if (len == 0) {
        Py_INCREF(EMPTY);
        return EMPTY;
    }
    if (len > SLOT_BYTES || self->cache == NULL)
        return decode(self->text, len);
    uint64_t h = 1469598103934665603ULL;  /* FNV-1a */
    for (Py_ssize_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)self->text[i]) * 1099511628211ULL;
    for (uint64_t probe = 0; probe < 8; probe++) {
        struct slot *sl = &self->cache[(h + probe) & (SLOTS - 1)];
        if (sl->str == NULL) {  /* a free slot: fill it */
            PyObject *s = decode(self->text, len);
            if (s == NULL)
                return NULL;
            sl->len = (unsigned char)len;
            memcpy(sl->bytes, self->text, (size_t)len);
            Py_INCREF(s);
            sl->str = s;
            return s;
        }
        if (sl->len == len && memcmp(sl->bytes, self->text, (size_t)len) == 0) {
            Py_INCREF(sl->str);
            return sl->str;
        }
    }
    return decode(self->text, len);  /* a crowded neighbourhood: made anew */
}

static void free_cache(struct slot *cache)
{
    if (cache == NULL)
        return;
    for (Py_ssize_t i = 0; i < SLOTS; i++)
        Py_XDECREF(cache[i].str);
    PyMem_Free(cache);
}

static PyObject *unsupported(const char *why)
{
    PyErr_SetString(Unsupported, why);
    return NULL;
}

/* One <c ...>...</c> (tag p..gt, content gt+1..cend): its value, or NULL (an exception set). */
static PyObject *cell_value(Rows *self, const char *p, const char *gt, const char *cend,
                            int shape, const char *fs, const char *fe)
{
    const char *ve;
    const char *t = attr(p, gt, " t=\"", 4, &ve);
    Py_ssize_t tn = t ? ve - t : 0;
    if (t != NULL && tn == 9 && memcmp(t, "inlineStr", 9) == 0) {
        if (shape == 2) {  /* <is><t>fs..fe</t></is> */
            Py_ssize_t len = 0;
            if (unescape(self, fs, fe, &len) < 0)
                return NULL;
            return text_object(self, len);
        }
        const char *is = find(gt + 1, cend, "<is>", 4);
        if (is == NULL) {
            Py_INCREF(EMPTY);
            return EMPTY;
        }
        Py_ssize_t len = runs_text(self, is + 4, cend);
        return len < 0 ? NULL : text_object(self, len);
    }
    /* the cached value <v>…</v> (a formula's <f> before it is ignored) */
    const char *v = shape ? NULL : find(gt + 1, cend, "<v", 2);
    const char *vs = NULL, *vend = NULL;
    if (shape == 1) {
        vs = fs;
        vend = fe;
    } else if (shape == 2) {  /* <is> in a cell that is not an inline string */
        return unsupported("inline text in another cell type");
    } else if (v != NULL && (v[2] == '>' || v[2] == ' ')) {
        const char *vgt = chr(v, cend, '>');
        if (vgt != NULL && vgt[-1] != '/') {
            vs = vgt + 1;
            vend = find(vs, cend, "</v>", 4);
        }
    }
    if (vend == NULL || vend == vs) {
        if (t != NULL && tn == 1 && t[0] == 'd')
            return unsupported("date cell");
        Py_INCREF(EMPTY);
        return EMPTY;
    }
    if (t == NULL || (tn == 1 && t[0] == 'n')) {
        const char *se;
        const char *s = attr(p, gt, " s=\"", 4, &se);
        if (s != NULL) {
            Py_ssize_t idx = 0;
            for (const char *d = s; d < se; d++) {
                if (*d < '0' || *d > '9' || idx > 1000000)
                    return unsupported("style index");
                idx = idx * 10 + (*d - '0');
            }
            if (idx >= PyBytes_GET_SIZE(self->plain) || !PyBytes_AS_STRING(self->plain)[idx])
                return unsupported("number in a date or other style");
        }
        Py_ssize_t n = vend - vs;
        if (n > 60)
            return unsupported("long number");
        char num[64];
        memcpy(num, vs, (size_t)n);
        num[n] = 0;
        char *stop;
        double d = PyOS_string_to_double(num, &stop, NULL);
        if (d == -1.0 && PyErr_Occurred())
            return NULL;
        if (*stop != 0)
            return unsupported("not a number");
        return PyFloat_FromDouble(d);
    }
    if (tn == 1 && t[0] == 's') {
        Py_ssize_t idx = 0;
        for (const char *d = vs; d < vend; d++) {
            if (*d < '0' || *d > '9' || idx > PY_SSIZE_T_MAX / 20)
                return unsupported("shared string index");
            idx = idx * 10 + (*d - '0');
        }
        if (idx >= PyList_GET_SIZE(self->sst))
            return unsupported("shared string index out of range");
        PyObject *s = PyList_GET_ITEM(self->sst, idx);
        Py_INCREF(s);
        return s;
    }
    if (tn == 3 && memcmp(t, "str", 3) == 0) {
        Py_ssize_t len = 0;
        if (unescape(self, vs, vend, &len) < 0)
            return NULL;
        return text_object(self, len);
    }
    if (tn == 1 && t[0] == 'b') {
        if (vend - vs == 1 && (*vs == '0' || *vs == '1'))
            return PyBool_FromLong(*vs == '1');
        return unsupported("boolean");
    }
    if (tn == 1 && t[0] == 'e') {
        Py_INCREF(EMPTY);
        return EMPTY;
    }
    return unsupported("cell type");
}

static long long ref_column(const char *p, const char *end, const char **digits)
{
    long long col = 0;
    while (p < end && *p >= 'A' && *p <= 'Z') {
        col = col * 26 + (*p - 'A' + 1);
        if (col > 1 << 20)
            return -1;
        p++;
    }
    *digits = p;
    return col - 1;
}

/* The rows in buf[0:n] (complete <row> elements) appended to out. */
static int parse_rows(Rows *self, const char *buf, Py_ssize_t n, PyObject *out)
{
    const char *p = buf, *end = buf + n;
    for (;;) {
        const char *r = find(p, end, "<row", 4);
        if (r == NULL)
            return 0;
        if (r[4] != ' ' && r[4] != '>' && r[4] != '/') {
            p = r + 4;
            continue;
        }
        const char *gt = chr(r, end, '>');
        if (gt == NULL)
            return 0;
        const char *ve;
        const char *rv = attr(r, gt, " r=\"", 4, &ve);
        if (rv == NULL) {
            PyErr_SetString(Unsupported, "row without its number");
            return -1;
        }
        long long rownum = 0;
        for (const char *d = rv; d < ve; d++) {
            if (*d < '0' || *d > '9' || rownum > 1 << 24) {
                PyErr_SetString(Unsupported, "row number");
                return -1;
            }
            rownum = rownum * 10 + (*d - '0');
        }
        if (self->stop && rownum > self->stop)
            return 0;  /* the rows asked for are all given */
        const char *rend;
        if (gt[-1] == '/') {
            rend = gt + 1;
        } else {
            rend = find(gt + 1, end, "</row>", 6);
            if (rend == NULL)
                return 0;
        }
        PyObject *row = PyList_New(self->width);
        if (row == NULL)
            return -1;
        for (Py_ssize_t i = 0; i < self->width; i++) {
            Py_INCREF(EMPTY);
            PyList_SET_ITEM(row, i, EMPTY);
        }
        const char *c = gt + 1;
        while (c < rend) {
            c = find(c, rend, "<c", 2);
            if (c == NULL)
                break;
            if (c[2] != ' ' && c[2] != '>' && c[2] != '/') {
                c += 2;
                continue;
            }
            const char *cgt = chr(c, rend, '>');
            if (cgt == NULL)
                break;
            const char *re;
            const char *ref = attr(c, cgt, " r=\"", 4, &re);
            const char *digits;
            long long col = ref ? ref_column(ref, re, &digits) : -1;
            if (col < 0) {
                Py_DECREF(row);
                PyErr_SetString(Unsupported, "cell without its reference");
                return -1;
            }
            if (cgt[-1] == '/') {  /* <c …/>: no value */
                c = cgt + 1;
                continue;
            }
            /* the two shapes nearly every cell has, <v>X</v></c> and <is><t>X</t></is></c>,
             * read at once; any other content is searched for its parts */
            const char *q = cgt + 1, *fs = NULL, *fe = NULL, *cend = NULL;
            int shape = 0;
            if (rend - q >= 3 && memcmp(q, "<v>", 3) == 0) {
                const char *lt = chr(q + 3, rend, '<');
                if (lt != NULL && rend - lt >= 8 && memcmp(lt, "</v></c>", 8) == 0) {
                    shape = 1, fs = q + 3, fe = lt, cend = lt + 4;
                }
            } else if (rend - q >= 7 && memcmp(q, "<is><t>", 7) == 0) {
                const char *lt = chr(q + 7, rend, '<');
                if (lt != NULL && rend - lt >= 13 && memcmp(lt, "</t></is></c>", 13) == 0) {
                    shape = 2, fs = q + 7, fe = lt, cend = lt + 9;
                }
            }
            if (cend == NULL)
                cend = find(cgt + 1, rend, "</c>", 4);
            if (cend == NULL) {
                Py_DECREF(row);
                PyErr_SetString(Unsupported, "cell not closed");
                return -1;
            }
            if (col < self->width) {
                PyObject *v = cell_value(self, c, cgt, cend, shape, fs, fe);
                if (v == NULL) {
                    Py_DECREF(row);
                    return -1;
                }
                PyObject *old = PyList_GET_ITEM(row, col);
                PyList_SET_ITEM(row, col, v);
                Py_DECREF(old);
            }
            c = cend + 4;
        }
        PyObject *item = Py_BuildValue("(LN)", rownum, row);
        if (item == NULL || PyList_Append(out, item) < 0) {
            Py_XDECREF(item);
            return -1;
        }
        Py_DECREF(item);
        p = gt[-1] == '/' ? rend : rend + 6;
    }
}

static int Rows_init(Rows *self, PyObject *args, PyObject *kw)
{
    Py_ssize_t width;
    long long stop = 0;
    PyObject *sst, *plain;
    if (!PyArg_ParseTuple(args, "nO!O!|L", &width, &PyList_Type, &sst, &PyBytes_Type, &plain, &stop))
        return -1;
    self->stop = stop;
    if (width < 1 || width > 1 << 14) {
        PyErr_SetString(PyExc_ValueError, "width");
        return -1;
    }
    self->width = width;
    Py_INCREF(sst);
    Py_XSETREF(self->sst, sst);
    Py_INCREF(plain);
    Py_XSETREF(self->plain, plain);
    free_cache(self->cache);
    self->cache = PyMem_Calloc(SLOTS, sizeof(struct slot));
    if (self->cache == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void Rows_dealloc(Rows *self)
{
    Py_XDECREF(self->sst);
    Py_XDECREF(self->plain);
    free_cache(self->cache);
    PyMem_Free(self->carry);
    PyMem_Free(self->text);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* the end of the last complete row in buf[0:n] (after its '</row>' or '/>'), or 0 */
static Py_ssize_t last_row_end(const char *buf, Py_ssize_t n)
{
    for (Py_ssize_t i = n - 1; i >= 5; i--) {
        if (buf[i] != '>')
            continue;
        if (memcmp(buf + i - 5, "</row", 5) == 0)
            return i + 1;
    }
    return 0;
}

static PyObject *Rows_feed(Rows *self, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    Py_ssize_t need = self->carry_len + view.len;
    if (need > self->carry_cap) {
        char *c = PyMem_Realloc(self->carry, (size_t)need);
        if (c == NULL) {
            PyBuffer_Release(&view);
            return PyErr_NoMemory();
        }
        self->carry = c;
        self->carry_cap = need;
    }
    memcpy(self->carry + self->carry_len, view.buf, (size_t)view.len);
    PyBuffer_Release(&view);
    self->carry_len = need;
    Py_ssize_t upto = last_row_end(self->carry, self->carry_len);
    if (upto == 0 && self->carry_len > (64 << 20))  /* a row of more than 64 MB: not ours */
        return unsupported("row too long");
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    if (upto > 0) {
        if (parse_rows(self, self->carry, upto, out) < 0) {
            Py_DECREF(out);
            return NULL;
        }
        memmove(self->carry, self->carry + upto, (size_t)(self->carry_len - upto));
        self->carry_len -= upto;
    }
    return out;
}

static PyObject *Rows_close(Rows *self, PyObject *unused)
{
    /* the rows after the last '</row>': only empty <row …/> can be complete there */
    PyObject *out = PyList_New(0);
    if (out != NULL && self->carry_len) {
        const char *sd = find(self->carry, self->carry + self->carry_len, "</sheetData>", 12);
        Py_ssize_t n = sd ? sd - self->carry : self->carry_len;
        if (parse_rows(self, self->carry, n, out) < 0)
            Py_CLEAR(out);
    }
    self->carry_len = 0;
    return out;
}

static PyMethodDef Rows_methods[] = {
    {"feed", (PyCFunction)Rows_feed, METH_O, "Decode a chunk; the rows it completes."},
    {"close", (PyCFunction)Rows_close, METH_NOARGS, "The rows left at the end."},
    {NULL}
};

static PyTypeObject RowsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "fupin_desktop.importers._xlsx_rows.Rows",
    .tp_basicsize = sizeof(Rows),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Rows_init,
    .tp_dealloc = (destructor)Rows_dealloc,
    .tp_methods = Rows_methods,
};

/* shared_strings(xml) -> list of str: each <si>'s text (its <t> runs, not the phonetic ones) */
static PyObject *shared_strings(PyObject *mod, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    Rows scratch = {0};
    scratch.cache = PyMem_Calloc(SLOTS, sizeof(struct slot));
    PyObject *out = PyList_New(0);
    const char *p = view.buf, *end = p + view.len;
    while (out != NULL && scratch.cache != NULL) {
        const char *si = find(p, end, "<si", 3);
        if (si == NULL)
            break;
        if (si[3] != '>' && si[3] != ' ' && si[3] != '/') {
            p = si + 3;
            continue;
        }
        const char *gt = chr(si, end, '>');
        if (gt == NULL)
            break;
        PyObject *s;
        if (gt[-1] == '/') {
            Py_INCREF(EMPTY);
            s = EMPTY;
            p = gt + 1;
        } else {
            const char *close = find(gt + 1, end, "</si>", 5);
            if (close == NULL)
                break;
            Py_ssize_t len = runs_text(&scratch, gt + 1, close);
            s = len < 0 ? NULL : text_object(&scratch, len);
            p = close + 5;
        }
        if (s == NULL || PyList_Append(out, s) < 0)
            Py_CLEAR(out);
        Py_XDECREF(s);
    }
    free_cache(scratch.cache);
    PyMem_Free(scratch.text);
    PyBuffer_Release(&view);
    return out;
}

static PyMethodDef methods[] = {
    {"shared_strings", shared_strings, METH_O, "The shared-string table's texts."},
    {NULL}
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_xlsx_rows", "Streaming worksheet rows.", -1, methods
};

PyMODINIT_FUNC PyInit__xlsx_rows(void)
{
    if (PyType_Ready(&RowsType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    EMPTY = PyUnicode_New(0, 0);
    Unsupported = PyErr_NewException("fupin_desktop.importers._xlsx_rows.Unsupported",
                                     PyExc_ValueError, NULL);
    Py_INCREF(&RowsType);
    if (EMPTY == NULL || Unsupported == NULL || PyModule_AddObject(m, "Rows", (PyObject *)&RowsType) < 0
        || PyModule_AddObject(m, "Unsupported", Unsupported) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(Unsupported);
    return m;
}
