/* Probability capture for rows of logits, one call each: maximum, top-k ids, sum of exp.
 *
 * capture(): after every generated token the engine host records the log-sum-exp of the whole
 * vocabulary and the k most likely ids. Done with numpy that is a dozen calls, and right after a
 * decode each call costs several times its warm price because llama.cpp has just evicted the
 * caches; here it is one.
 * logprobs(): perplexity scores a batch of rows, each against the token that follows it: per row
 * a maximum and an exp-sum while the row is still in cache (a vectorised maximum over the whole
 * batch first read the batch from memory twice), with the GIL released so that the caller can
 * split a batch over threads.
 * The sum of exponentials is computed by the kernel whose address the caller passes (ggml's
 * vectorised ggml_vec_soft_max_f32), or by a plain loop when the address is 0.
 *
 * Results equal numpy's: ties keep the lower id first, as a stable sort does. A row holding a NaN
 * returns None so that the caller takes its numpy path.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

typedef double (*exp_sum_fn)(int n, float *y, const float *x, float max);

static PyObject *capture(PyObject *self, PyObject *args) {
    Py_buffer row, out;
    int k;
    unsigned long long kernel_address;
    if (!PyArg_ParseTuple(args, "y*w*iK", &row, &out, &k, &kernel_address))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = row.len / (Py_ssize_t)sizeof(float);
    if (row.len % (Py_ssize_t)sizeof(float) || out.len < row.len || n == 0 || n > INT_MAX || k < 0) {
        PyErr_SetString(PyExc_ValueError, "capture needs a non-empty float32 row and an output as long");
        goto done;
    }
    if (k > n)
        k = (int)n;
    const float *x = (const float *)row.buf;
    float top_values[128];
    int top_ids[128];
    if (k > 128) {
        PyErr_SetString(PyExc_ValueError, "capture keeps at most 128 ids");
        goto done;
    }
    int count = 0;
    float peak = -INFINITY;
    for (Py_ssize_t i = 0; i < n; i++) {
        float v = x[i];
        if (v != v) { /* NaN: let numpy decide what that means */
            Py_INCREF(Py_None);
            result = Py_None;
            goto done;
        }
        if (v > peak)
            peak = v;
        if (k == 0 || (count == k && !(v > top_values[k - 1])))
            continue;
        /* Insert after every value >= v, so equal values keep their id order. */
        int at = count < k ? count : k - 1;
        while (at > 0 && top_values[at - 1] < v) {
            top_values[at] = top_values[at - 1];
            top_ids[at] = top_ids[at - 1];
            at--;
        }
        top_values[at] = v;
        top_ids[at] = (int)i;
        if (count < k)
            count++;
    }
    double total;
    if (!isfinite(peak)) {
        total = NAN; /* all -inf (or +inf): the caller handles it */
    } else if (kernel_address) {
        Py_BEGIN_ALLOW_THREADS
        total = ((exp_sum_fn)(uintptr_t)kernel_address)((int)n, (float *)out.buf, x, peak);
        Py_END_ALLOW_THREADS
    } else {
        float *y = (float *)out.buf;
        total = 0.0;
        for (Py_ssize_t i = 0; i < n; i++) {
            y[i] = expf(x[i] - peak);
            total += y[i];
        }
    }
    PyObject *ids = PyList_New(count);
    if (!ids)
        goto done;
    for (int i = 0; i < count; i++) {
        PyObject *id = PyLong_FromLong(top_ids[i]);
        if (!id) {
            Py_DECREF(ids);
            goto done;
        }
        PyList_SET_ITEM(ids, i, id);
    }
    result = Py_BuildValue("(ddN)", (double)peak, total, ids);
done:
    PyBuffer_Release(&row);
    PyBuffer_Release(&out);
    return result;
}

/* The largest value of x[0..n), NaNs ignored (they show up in the exp-sum). Eight independent
 * maxima, so the loop is not one long dependency chain. */
static float row_max(const float *x, Py_ssize_t n) {
    float m[8] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY};
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++)
            m[j] = x[i + j] > m[j] ? x[i + j] : m[j];
    for (; i < n; i++)
        m[0] = x[i] > m[0] ? x[i] : m[0];
    float peak = m[0];
    for (int j = 1; j < 8; j++)
        peak = m[j] > peak ? m[j] : peak;
    return peak;
}

static double exp_sum(const float *x, Py_ssize_t n, float peak, float *y, unsigned long long kernel_address) {
    if (kernel_address)
        return ((exp_sum_fn)(uintptr_t)kernel_address)((int)n, y, x, peak);
    double total = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        y[i] = expf(x[i] - peak);
        total += y[i];
    }
    return total;
}

/* Row r scored against targets[r]: x[t] - log-sum-exp(x); 0 on success, -1 if a row needs numpy. */
static int score_rows(const float *rows, const int32_t *targets, Py_ssize_t n_rows, Py_ssize_t n_vocab,
                      float *scratch, unsigned long long kernel_address, double *out) {
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        const float *x = rows + r * n_vocab;
        float peak = row_max(x, n_vocab);
        if (!isfinite(peak))
            return -1;
        double total = exp_sum(x, n_vocab, peak, scratch, kernel_address);
        if (!(total > 0.0) || !isfinite(total)) /* a NaN in the row, or nothing finite */
            return -1;
        out[r] = (double)x[targets[r]] - ((double)peak + log(total));
    }
    return 0;
}

static PyObject *logprobs(PyObject *self, PyObject *args) {
    Py_buffer rows, targets, scratch;
    Py_ssize_t n_vocab;
    unsigned long long kernel_address;
    if (!PyArg_ParseTuple(args, "y*y*nw*K", &rows, &targets, &n_vocab, &scratch, &kernel_address))
        return NULL;
    PyObject *result = NULL;
    double *scores = NULL;
    Py_ssize_t n_rows = targets.len / (Py_ssize_t)sizeof(int32_t);
    if (n_vocab <= 0 || n_vocab > INT_MAX || targets.len % (Py_ssize_t)sizeof(int32_t) ||
        rows.len < n_rows * n_vocab * (Py_ssize_t)sizeof(float) || scratch.len < n_vocab * (Py_ssize_t)sizeof(float)) {
        PyErr_SetString(PyExc_ValueError, "logprobs needs float32 rows of n_vocab, an int32 target per row and a scratch row");
        goto done;
    }
    const int32_t *ids = (const int32_t *)targets.buf;
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        if (ids[r] < 0 || ids[r] >= n_vocab) {
            PyErr_SetString(PyExc_ValueError, "a target id is outside the vocabulary");
            goto done;
        }
    }
    scores = PyMem_Malloc((n_rows ? n_rows : 1) * sizeof(double));
    if (!scores) {
        PyErr_NoMemory();
        goto done;
    }
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = score_rows((const float *)rows.buf, ids, n_rows, n_vocab, (float *)scratch.buf, kernel_address, scores);
    Py_END_ALLOW_THREADS
    if (status != 0) {
        Py_INCREF(Py_None);
        result = Py_None;
        goto done;
    }
    result = PyList_New(n_rows);
    if (!result)
        goto done;
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        PyObject *value = PyFloat_FromDouble(scores[r]);
        if (!value) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, r, value);
    }
done:
    PyMem_Free(scores);
    PyBuffer_Release(&rows);
    PyBuffer_Release(&targets);
    PyBuffer_Release(&scratch);
    return result;
}

static PyMethodDef methods[] = {
    {"capture", capture, METH_VARARGS,
     "capture(row, out, k, kernel_address) -> (peak, sum of exp(row - peak), top-k ids) or None.\n"
     "row: float32 buffer; out: float32 buffer as long, receives exp(row - peak)."},
    {"logprobs", logprobs, METH_VARARGS,
     "logprobs(rows, targets, n_vocab, scratch, kernel_address) -> [row[t] - logsumexp(row)] or None.\n"
     "rows: float32 buffer of len(targets) rows of n_vocab; targets: int32 buffer, one id per row;\n"
     "scratch: float32 buffer of n_vocab. None: a row holds a NaN or nothing finite (use numpy)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_capture", NULL, -1, methods};

PyMODINIT_FUNC PyInit__capture(void) { return PyModule_Create(&module); }
