/* S3's XML answers, read with libxml2's SAX2 interface.
 *
 * Why SAX2 and neither xmlReadMemory (a tree) nor xmlReaderForMemory (the
 * streaming reader): a page is read once, front to back, for a few leaf
 * values. Measured on a realistic 1,000-key page (268 KB, libxml2 2.9.14,
 * CPU time, medians): the reader ~2.8 ms, the tree alone ~3.1 ms, this
 * SAX2 parser ~0.8 ms, of which ~0.74 ms is libxml2's bare parse. The reader
 * and the tree allocate, link and free a node per element and per text;
 * SAX2 hands names and text over in place and builds nothing, which is also
 * the only way towards a million keys a second. The price is that the
 * callbacks below keep the parse state themselves.
 *
 * Why these parser options: XML_PARSE_NONET so no external resource is ever
 * fetched; XML_PARSE_NOERROR | XML_PARSE_NOWARNING so libxml2 prints nothing
 * (a benchmark's output is its product), and on top a structured error
 * handler on the parser context that keeps the first error for our message.
 * Deliberately absent: XML_PARSE_NOENT (would substitute entities: the way an
 * entity bomb or an external entity gets in), XML_PARSE_DTDLOAD (would load
 * external DTDs) and XML_PARSE_HUGE (would lift libxml2's own size and depth
 * limits). And any document with a DTD is refused: S3 never sends one, and
 * without a DTD there are no entity declarations, so nothing to expand. A
 * quick scan of the prolog refuses it before libxml2 runs at all; should one
 * get past (another encoding, say), the DTD callbacks stop the parser at the
 * <!DOCTYPE, before the first entity declaration is read.
 *
 * No global libxml2 state is changed besides xmlInitParser: each call has
 * its own parser context, handler and error channel, so other threads (and
 * other libxml2 users) are unaffected. */
#include "listxml.h"

#include "decimal.h"
#include "errmsg.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "urienc.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"

/* S3 keys are at most 1024 bytes of UTF-8; with encoding-type=url each byte
 * may become %XX, so 3072 characters. A longer Key is not from S3: refused
 * rather than cut, since a cut key names a different object. */
#define KEY_TEXT_MAX 4096
/* IsTruncated, Size, KeyCount, EncodingType, NextContinuationToken: the
 * token is the longest, and listxml_page bounds it already. */
#define FIELD_TEXT_MAX LISTXML_MAX_TOKEN

/* libxml2 2.12 made the error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *listxml_xml_error;
#else
typedef xmlErrorPtr listxml_xml_error;
#endif


/* What every parse keeps besides its own fields. First member of each
 * parser's state: the callbacks get only the user pointer, and reach this
 * through it. */
struct sax_base {
    xmlParserCtxtPtr ctxt;
    int depth;     /* depth of the next element to start; the root is 0 */
    int seen_root;
    int root_done; /* the root element closed: the document is whole */
    int refused;   /* a callback refused the document; err says why */
    char *err;
    size_t errlen;
    /* The first error libxml2 reported. Any error (not warning) fails the
     * parse: libxml2 carries on after some (namespace errors, for one), and a
     * document it had to excuse is not one to trust. */
    int xml_failed;
    int xml_line;
    char xml_msg[160];
};

/* Refuses the document: keeps the first reason and stops the parser, so
 * nothing after it is read (or appended). */
static void refuse(struct sax_base *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void refuse(struct sax_base *b, const char *fmt, ...)
{
    if (b->refused)
        return;
    b->refused = 1;
    va_list ap;
    va_start(ap, fmt);
    errmsg_vset(b->err, b->errlen, fmt, ap);
    va_end(ap);
    xmlStopParser(b->ctxt);
}

/* The context's structured error channel: keeps libxml2's report for our
 * message instead of letting it reach stderr. */
static void on_xml_error(void *arg, listxml_xml_error e)
{
    struct sax_base *b = arg;
    if (!b || !e || e->level < XML_ERR_ERROR || b->xml_failed)
        return;
    b->xml_failed = 1;
    b->xml_line = e->line;
    int n = snprintf(b->xml_msg, sizeof b->xml_msg, "%s", e->message ? e->message : "XML error");
    if (n < 0) {
        b->xml_msg[0] = '\0';
        return;
    }
    /* libxml2's messages end in a newline; err strings here do not. */
    size_t len = strlen(b->xml_msg);
    while (len > 0 && (b->xml_msg[len - 1] == '\n' || b->xml_msg[len - 1] == '\r'))
        b->xml_msg[--len] = '\0';
}

/* The DTD callbacks: reached only if a DTD got past has_doctype. Each stops
 * the parser; the first fires at "<!DOCTYPE name", before the internal
 * subset (where entities are declared) is read. */
static void on_subset(void *ctx, const xmlChar *name, const xmlChar *ext_id, const xmlChar *sys_id)
{
    (void)name;
    (void)ext_id;
    (void)sys_id;
    refuse(ctx, "document has a DTD (<!DOCTYPE>), which S3 never sends: refused");
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    (void)name;
    (void)type;
    (void)public_id;
    (void)system_id;
    (void)content;
    refuse(ctx, "document declares an entity: refused");
}

static void on_reference(void *ctx, const xmlChar *name)
{
    (void)name;
    refuse(ctx, "document references an entity: refused");
}

/* Index of the first occurrence of the n-byte pat in p[from, len), or len. */
static size_t find(const char *p, size_t len, size_t from, const char *pat, size_t n)
{
    for (size_t i = from; i + n <= len; i++)
        if (p[i] == pat[0] && memcmp(p + i, pat, n) == 0)
            return i;
    return len;
}

/* Returns 1 when the prolog (everything before the root element) holds a
 * markup declaration other than a comment, i.e. a <!DOCTYPE>. That is the only
 * place a DTD may stand, so only the prolog is scanned, not the whole body.
 * Bytes are compared as ASCII: right for UTF-8, what S3 sends; a document in
 * another encoding is left to the DTD callbacks. Anything odd is left for
 * libxml2 to reject. */
static int has_doctype(const char *p, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        i = 3; /* UTF-8 byte order mark */
    while (i < len) {
        char c = p[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            i++;
            continue;
        }
        if (c != '<' || i + 1 >= len)
            return 0;
        if (p[i + 1] == '?') { /* XML declaration or processing instruction */
            size_t end = find(p, len, i + 2, "?>", 2);
            if (end == len)
                return 0;
            i = end + 2;
            continue;
        }
        if (p[i + 1] == '!') {
            if (len - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
                size_t end = find(p, len, i + 4, "-->", 3);
                if (end == len)
                    return 0;
                i = end + 3;
                continue;
            }
            return 1;
        }
        return 0; /* the root element starts */
    }
    return 0;
}

/* Parses buf with handler h (DTD callbacks and the error channel are added
 * here, so no parser can forget them) and b as the user pointer. Returns 0
 * when the document was whole, well-formed and not refused; else -1 with
 * b->err set. */
static int run_sax(struct sax_base *b, xmlSAXHandler h, const char *buf, size_t len)
{
    if (!buf || len == 0) {
        errmsg_set(b->err, b->errlen, "empty document");
        return -1;
    }
    if (len > INT_MAX) { /* libxml2 takes the size as an int */
        errmsg_set(b->err, b->errlen, "document too large (%zu bytes)", len);
        return -1;
    }
    if (has_doctype(buf, len)) {
        errmsg_set(b->err, b->errlen, "document has a DTD (<!DOCTYPE>), which S3 never sends: refused");
        return -1;
    }
    /* Idempotent; libxml2 wants it before first use, and doing it here keeps
     * callers free of libxml2. The first call should not race another
     * thread's: the listing runs before the workers start. */
    xmlInitParser();
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
    if (!ctxt || !ctxt->sax) {
        if (ctxt)
            xmlFreeParserCtxt(ctxt);
        errmsg_set(b->err, b->errlen, "cannot create an XML parser (out of memory)");
        return -1;
    }
    h.initialized = XML_SAX2_MAGIC; /* SAX2 callbacks, structured errors */
    h.internalSubset = on_subset;
    h.externalSubset = on_subset;
    h.entityDecl = on_entity_decl;
    h.reference = on_reference;
    h.serror = on_xml_error;
    /* The context owns (and frees) its handler block: ours is copied over the
     * default tree builder's, so no tree is ever built. */
    memcpy(ctxt->sax, &h, sizeof h);
    ctxt->userData = b;
    b->ctxt = ctxt;
    int rc = -1;
    if (xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING) != 0) {
        errmsg_set(b->err, b->errlen, "libxml2 refused the parser options");
        goto cleanup;
    }
    int parsed = xmlParseDocument(ctxt);
    if (b->refused)
        goto cleanup; /* err already says why */
    if (parsed != 0 || b->xml_failed || !ctxt->wellFormed || !ctxt->nsWellFormed ||
        !b->root_done) {
        /* "or truncated": libxml2 words a cut document variously ("Premature
         * end of data", "Extra content at the end of the document"), and the
         * latter alone would mislead. */
        if (b->xml_failed && b->xml_msg[0])
            errmsg_set(b->err, b->errlen, "malformed or truncated XML (line %d): %s", b->xml_line,
                    b->xml_msg);
        else
            errmsg_set(b->err, b->errlen, "malformed or truncated XML");
        goto cleanup;
    }
    rc = 0;

cleanup:
    b->ctxt = NULL;
    xmlFreeParserCtxt(ctxt);
    return rc;
}

/* The first-byte test settles most mismatches (LastModified, ETag, ...)
 * without a call: this runs for every element of every page. */
static int name_is(const xmlChar *name, const char *want)
{
    return name && name[0] == (xmlChar)want[0] && strcmp((const char *)name, want) == 0;
}

/* The root decides the namespace: none, or S3's. Children count only in the
 * root's namespace, so an element of some other vocabulary that happens to
 * be called Key is not taken for one. *root_ns keeps the root's URI pointer:
 * libxml2 interns URIs in the parser's dictionary, so every element in the
 * same namespace comes with that very pointer, and same_ns mostly compares
 * pointers, not 40-byte strings (the strcmp stays as the fallback). */
static int root_ns_ok(const xmlChar *ns, const xmlChar **root_ns)
{
    *root_ns = ns;
    return !ns || name_is(ns, S3_NS);
}

static int same_ns(const xmlChar *ns, const xmlChar *root_ns)
{
    if (ns == root_ns)
        return 1;
    return ns && root_ns && strcmp((const char *)ns, (const char *)root_ns) == 0;
}

/* ---- ListObjectsV2 pages ---------------------------------------------- */

enum page_field { PF_NONE, PF_TRUNCATED, PF_TOKEN, PF_KEY_COUNT, PF_ENCODING, PF_KEY, PF_SIZE };

struct page_state {
    struct sax_base b; /* first: see sax_base */
    struct keylist *out;
    struct listxml_page res;
    const xmlChar *root_ns;
    int seen_truncated;
    int url; /* EncodingType url: keys decoded at the end */
    int in_contents, has_key, has_size;
    uint64_t size;
    enum page_field field; /* the leaf being read, if any */
    int field_depth;
    size_t key_len, text_len;
    int overflow;
    char key[KEY_TEXT_MAX + 1];
    char text[FIELD_TEXT_MAX + 1];
};

static const char *page_field_name(enum page_field f)
{
    switch (f) {
    case PF_TRUNCATED: return "IsTruncated";
    case PF_TOKEN: return "NextContinuationToken";
    case PF_KEY_COUNT: return "KeyCount";
    case PF_ENCODING: return "EncodingType";
    case PF_KEY: return "Key";
    case PF_SIZE: return "Size";
    case PF_NONE: break;
    }
    return "?";
}

/* Text of the leaf being read; libxml2 may hand it over in several pieces
 * (around an entity, at a buffer boundary). Too long is remembered and
 * refused when the leaf ends, never silently cut: a cut key names another
 * object. Text outside the wanted leaves is ignored. */
static void page_chars(void *ctx, const xmlChar *ch, int n)
{
    struct page_state *st = ctx;
    if (st->field == PF_NONE || n <= 0)
        return;
    char *dst = st->field == PF_KEY ? st->key : st->text;
    size_t *len = st->field == PF_KEY ? &st->key_len : &st->text_len;
    size_t cap = st->field == PF_KEY ? KEY_TEXT_MAX : FIELD_TEXT_MAX;
    if ((size_t)n > cap - *len) {
        st->overflow = 1;
        return;
    }
    memcpy(dst + *len, ch, (size_t)n);
    *len += (size_t)n;
}

/* A leaf element ended: validates and stores its value. */
static void page_field_end(struct page_state *st)
{
    enum page_field f = st->field;
    st->field = PF_NONE;
    if (st->overflow) {
        refuse(&st->b, "<%s> too long", page_field_name(f));
        return;
    }
    const char *t = st->text;
    size_t n = st->text_len;
    int shown = (int)(n > 32 ? 32 : n); /* of a bad value, in messages */
    uint64_t v;
    switch (f) {
    case PF_TRUNCATED:
        /* Exactly true or false: reading "True" or "1" as false would end
         * the listing early and silently. */
        if (n == 4 && memcmp(t, "true", 4) == 0)
            st->res.is_truncated = 1;
        else if (n == 5 && memcmp(t, "false", 5) == 0)
            st->res.is_truncated = 0;
        else {
            refuse(&st->b, "<IsTruncated> is neither true nor false: \"%.*s\"", shown, t);
            return;
        }
        st->seen_truncated = 1;
        return;
    case PF_TOKEN:
        /* Opaque, sent back as is: never decoded, even under EncodingType. */
        memcpy(st->res.next_token, t, n);
        st->res.next_token[n] = '\0';
        return;
    case PF_KEY_COUNT:
        if (decimal_parse(t, n, &v) != 0 || v > LONG_MAX) {
            refuse(&st->b, "<KeyCount> is not a count: \"%.*s\"", shown, t);
            return;
        }
        st->res.key_count = (long)v;
        return;
    case PF_ENCODING:
        /* An unknown encoding would make every key a guess. */
        if (n != 3 || memcmp(t, "url", 3) != 0) {
            refuse(&st->b, "unsupported <EncodingType> \"%.*s\"", shown, t);
            return;
        }
        st->url = 1;
        return;
    case PF_KEY:
        if (st->has_key) {
            refuse(&st->b, "<Contents> with two <Key>s");
            return;
        }
        st->has_key = 1;
        return;
    case PF_SIZE:
        if (decimal_parse(t, n, &st->size) != 0) {
            refuse(&st->b, "<Size> is not a number: \"%.*s\"", shown, t);
            return;
        }
        st->has_size = 1;
        return;
    case PF_NONE:
        break;
    }
}

/* </Contents>: the object is complete only with both a Key and a Size. */
static void page_contents_end(struct page_state *st)
{
    st->in_contents = 0;
    if (!st->has_key || st->key_len == 0) {
        refuse(&st->b, "<Contents> #%zu without a <Key>", st->res.added + 1);
        return;
    }
    if (!st->has_size) {
        refuse(&st->b, "<Contents> #%zu without a <Size>", st->res.added + 1);
        return;
    }
    if (keylist_add(st->out, st->key, st->key_len, st->size) != 0) {
        refuse(&st->b, "out of memory for the key list");
        return;
    }
    st->res.added++;
}

/* An element starts. Unwanted ones are simply walked past: their children
 * match nothing, being at the wrong depth or outside a Contents. */
static void page_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *ns,
                       int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                       int nb_defaulted, const xmlChar **attributes)
{
    (void)prefix;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_attributes;
    (void)nb_defaulted;
    (void)attributes;
    struct page_state *st = ctx;
    int d = st->b.depth++;
    if (d == 0) {
        st->b.seen_root = 1;
        if (!name_is(name, "ListBucketResult"))
            refuse(&st->b, "root element is <%.64s>, not <ListBucketResult>", (const char *)name);
        else if (!root_ns_ok(ns, &st->root_ns))
            refuse(&st->b, "<ListBucketResult> in namespace \"%.64s\", not S3's",
                   (const char *)ns);
        return;
    }
    if (st->field != PF_NONE) { /* mixed content in a leaf: not S3's format */
        refuse(&st->b, "element inside <%s>", page_field_name(st->field));
        return;
    }
    if (!same_ns(ns, st->root_ns))
        return;
    enum page_field f = PF_NONE;
    if (d == 1) {
        if (name_is(name, "Contents")) {
            st->in_contents = 1;
            st->has_key = st->has_size = 0;
            st->key_len = 0;
            return;
        }
        if (name_is(name, "IsTruncated"))
            f = PF_TRUNCATED;
        else if (name_is(name, "NextContinuationToken"))
            f = PF_TOKEN;
        else if (name_is(name, "KeyCount"))
            f = PF_KEY_COUNT;
        else if (name_is(name, "EncodingType"))
            f = PF_ENCODING;
    } else if (d == 2 && st->in_contents) {
        if (name_is(name, "Key"))
            f = PF_KEY;
        else if (name_is(name, "Size"))
            f = PF_SIZE;
    }
    if (f == PF_NONE)
        return;
    st->field = f;
    st->field_depth = d;
    st->overflow = 0;
    if (f == PF_KEY)
        st->key_len = 0;
    else
        st->text_len = 0;
}

static void page_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *ns)
{
    (void)name;
    (void)prefix;
    (void)ns;
    struct page_state *st = ctx;
    int d = --st->b.depth;
    if (d == 0)
        st->b.root_done = 1;
    else if (st->field != PF_NONE && d == st->field_depth)
        page_field_end(st);
    else if (d == 1 && st->in_contents) /* well-nested: this is </Contents> */
        page_contents_end(st);
}

/* Percent-decodes the keys from index first on, in the arena, and closes the
 * gaps decoding leaves (a decoded key is never longer). Done after the whole
 * page was read because <EncodingType> may come after the <Contents>. */
static int decode_keys(struct keylist *kl, size_t first, char *err, size_t errlen)
{
    if (first >= kl->count)
        return 0;
    size_t w = (size_t)kl->items[first].off;
    for (size_t i = first; i < kl->count; i++) {
        struct keylist_entry *e = &kl->items[i];
        char *src = kl->arena + e->off;
        /* len + 1: the key's NUL byte is there, for the decoder's NUL. */
        long n = urienc_decode(src, (size_t)e->len + 1, src, e->len);
        if (n < 0 || (uint64_t)n > e->len) {
            errmsg_set(err, errlen, "<Key> #%zu: malformed or refused %%-escape", i - first + 1);
            return -1;
        }
        if (w != e->off)
            memmove(kl->arena + w, src, (size_t)n);
        kl->arena[w + (size_t)n] = '\0';
        e->off = w;
        e->len = (uint32_t)n;
        w += (size_t)n + 1;
    }
    kl->arena_len = w;
    return 0;
}

/* Every failure goes to the one cleanup, which takes back what this page
 * appended, so a caller never holds half a page. */
int listxml_parse_page(const char *buf, size_t len, struct keylist *out,
                       struct listxml_page *page, char *err, size_t errlen)
{
    const size_t first = out->count;
    struct page_state *st = NULL;
    int rc = -1;

    if (err && errlen)
        err[0] = '\0';
    /* About 5 KiB of buffers: on the heap, since callers may sit on small
     * thread stacks. */
    st = calloc(1, sizeof *st);
    if (!st) {
        errmsg_set(err, errlen, "out of memory");
        goto cleanup;
    }
    st->b.err = err;
    st->b.errlen = errlen;
    st->out = out;
    st->res.key_count = -1;
    xmlSAXHandler h;
    memset(&h, 0, sizeof h);
    h.startElementNs = page_start;
    h.endElementNs = page_end;
    h.characters = page_chars;
    /* Blanks are text too: a key may be blanks only (" "). */
    h.ignorableWhitespace = page_chars;
    h.cdataBlock = page_chars;
    if (run_sax(&st->b, h, buf, len) != 0)
        goto cleanup;
    if (!st->seen_truncated) {
        /* Without it, a missing last page could pass for the end. */
        errmsg_set(err, errlen, "no <IsTruncated> element");
        goto cleanup;
    }
    if (st->res.is_truncated && st->res.next_token[0] == '\0') {
        /* The caller would ask for the first page again, forever. */
        errmsg_set(err, errlen, "<IsTruncated>true without a <NextContinuationToken>");
        goto cleanup;
    }
    if (st->url && decode_keys(out, first, err, errlen) != 0)
        goto cleanup;
    *page = st->res;
    rc = 0;

cleanup:
    if (rc != 0) {
        keylist_truncate(out, first);
        memset(page, 0, sizeof *page);
        page->key_count = -1;
    }
    free(st);
    return rc;
}

/* ---- <Error> documents ------------------------------------------------ */

/* Cuts s (a NUL-terminated string that was truncated) back to the last whole
 * UTF-8 sequence, so a message cut for length is still valid text in logs. */
static void trim_partial_utf8(char *s)
{
    size_t n = strlen(s);
    size_t i = n;
    /* Back over at most 3 continuation bytes to the sequence's lead byte. */
    while (i > 0 && n - i < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (lead >= 0x80 && n - (i - 1) < want)
        s[i - 1] = '\0';
}

enum { EF_CODE, EF_MESSAGE, EF_REQUEST_ID, EF_REGION, EF_COUNT };

struct err_state {
    struct sax_base b; /* first: see sax_base */
    struct listxml_error *e;
    const xmlChar *root_ns;
    int cur; /* the field being read, or -1 */
    size_t len[EF_COUNT];
    int cut[EF_COUNT];
};

static char *err_dst(struct listxml_error *e, int f, size_t *cap)
{
    switch (f) {
    case EF_CODE: *cap = sizeof e->code; return e->code;
    case EF_MESSAGE: *cap = sizeof e->message; return e->message;
    case EF_REQUEST_ID: *cap = sizeof e->request_id; return e->request_id;
    default: *cap = sizeof e->region; return e->region;
    }
}

/* Bounded append: what does not fit is dropped (a message is for humans; a
 * cut one beats none). */
static void err_chars(void *ctx, const xmlChar *ch, int n)
{
    struct err_state *st = ctx;
    if (st->cur < 0 || n <= 0 || st->cut[st->cur])
        return;
    size_t cap;
    char *dst = err_dst(st->e, st->cur, &cap);
    size_t *len = &st->len[st->cur];
    size_t take = (size_t)n;
    if (take > cap - 1 - *len) {
        take = cap - 1 - *len;
        st->cut[st->cur] = 1;
    }
    memcpy(dst + *len, ch, take);
    *len += take;
    dst[*len] = '\0';
    if (st->cut[st->cur])
        trim_partial_utf8(dst);
}

static void err_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *ns,
                      int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                      int nb_defaulted, const xmlChar **attributes)
{
    (void)prefix;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_attributes;
    (void)nb_defaulted;
    (void)attributes;
    static const char *const names[EF_COUNT] = {"Code", "Message", "RequestId", "Region"};
    struct err_state *st = ctx;
    int d = st->b.depth++;
    st->cur = -1;
    if (d == 0) {
        st->b.seen_root = 1;
        if (!name_is(name, "Error") || !root_ns_ok(ns, &st->root_ns))
            refuse(&st->b, "not an <Error> document");
        return;
    }
    if (d != 1 || !same_ns(ns, st->root_ns))
        return;
    for (int i = 0; i < EF_COUNT; i++) {
        if (name_is(name, names[i])) {
            /* A repeated element replaces the earlier one. */
            size_t cap;
            err_dst(st->e, i, &cap)[0] = '\0';
            st->len[i] = 0;
            st->cut[i] = 0;
            st->cur = i;
            return;
        }
    }
}

static void err_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *ns)
{
    (void)name;
    (void)prefix;
    (void)ns;
    struct err_state *st = ctx;
    if (--st->b.depth == 0)
        st->b.root_done = 1;
    st->cur = -1;
}

/* Only a whole, well-formed <Error> counts: a cut one could carry a cut
 * Code, which would be misread. */
int listxml_parse_error(const char *buf, size_t len, struct listxml_error *e)
{
    struct err_state st;
    char why[8]; /* run_sax's message is not wanted here */
    memset(e, 0, sizeof *e);
    memset(&st, 0, sizeof st);
    st.b.err = why;
    st.b.errlen = sizeof why;
    st.e = e;
    st.cur = -1;
    xmlSAXHandler h;
    memset(&h, 0, sizeof h);
    h.startElementNs = err_start;
    h.endElementNs = err_end;
    h.characters = err_chars;
    h.ignorableWhitespace = err_chars;
    h.cdataBlock = err_chars;
    if (run_sax(&st.b, h, buf, len) != 0) {
        memset(e, 0, sizeof *e);
        return -1;
    }
    return 0;
}
