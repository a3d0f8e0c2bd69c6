/* Probability capture for one row of logits in a single call: maximum, top-k ids, sum of exp.
 *
 * The engine host records, after every generated token, the log-sum-exp of the whole vocabulary
 * and the k most likely ids. Done with numpy that is a dozen calls, and right after a decode each
 * call costs several times its warm price because llama.cpp has just evicted the caches; here it
 * is one. The sum of exponentials is computed by the kernel whose address the caller passes
 * (ggml's vectorised ggml_vec_soft_max_f32), or by a plain loop when the address is 0.
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

static PyMethodDef methods[] = {
    {"capture", capture, METH_VARARGS,
     "capture(row, out, k, kernel_address) -> (peak, sum of exp(row - peak), top-k ids) or None.\n"
     "row: float32 buffer; out: float32 buffer as long, receives exp(row - peak)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_capture", NULL, -1, methods};

PyMODINIT_FUNC PyInit__capture(void) { return PyModule_Create(&module); }
