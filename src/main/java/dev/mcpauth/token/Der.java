package dev.mcpauth.token;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The little DER (ITU-T X.690) that reading PEM keys needs: wrapping PKCS#1 and SEC1 keys in their PKCS#8 / SPKI
 * envelopes, and finding a SEC1 key's curve and public point. Anything malformed is an IllegalArgumentException.
 */
final class Der {

    static final byte[] NULL = {0x05, 0x00};
    static final byte[] INTEGER_ZERO = {0x02, 0x01, 0x00};
    private static final int SEQUENCE = 0x30;
    private static final int OCTET_STRING = 0x04;
    private static final int BIT_STRING = 0x03;
    private static final int OID = 0x06;
    private static final int CONTEXT_0 = 0xa0;
    private static final int CONTEXT_1 = 0xa1;

    private Der() {
    }

    static byte[] oid(String hexContents) {
        return tlv(OID, HexFormat.of().parseHex(hexContents));
    }

    static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return tlv(SEQUENCE, out.toByteArray());
    }

    static byte[] octetString(byte[] contents) {
        return tlv(OCTET_STRING, contents);
    }

    /** A BIT STRING of whole bytes (no unused bits). */
    static byte[] bitString(byte[] contents) {
        byte[] withPad = new byte[contents.length + 1];
        System.arraycopy(contents, 0, withPad, 1, contents.length);
        return tlv(BIT_STRING, withPad);
    }

    /** RFC 5915: ECPrivateKey ::= SEQUENCE { version, privateKey, [0] parameters (the curve's OID), [1] publicKey }. */
    static byte[] sec1Curve(byte[] sec1) {
        byte[] parameters = sec1Field(sec1, CONTEXT_0);
        if (parameters == null) {
            throw new IllegalArgumentException("the EC PRIVATE KEY does not name its curve");
        }
        return parameters;
    }

    /** The public point of a SEC1 key (the BIT STRING's bytes), or null when it carries none. */
    static byte[] sec1PublicPoint(byte[] sec1) {
        byte[] field = sec1Field(sec1, CONTEXT_1);
        if (field == null) {
            return null;
        }
        Reader bits = new Reader(field);
        byte[] contents = bits.next(BIT_STRING);
        return contents.length > 0 && contents[0] == 0 ? Arrays.copyOfRange(contents, 1, contents.length) : null;
    }

    /** RFC 5208: PrivateKeyInfo ::= SEQUENCE { version, algorithm, privateKey OCTET STRING, ... }: the key's bytes. */
    static byte[] pkcs8Contents(byte[] pkcs8) {
        Reader info = new Reader(new Reader(pkcs8).next(SEQUENCE));
        info.skip();
        info.skip();
        return info.next(OCTET_STRING);
    }

    /** The contents (a whole TLV inside) of the context-tagged field of a SEC1 key, or null. */
    private static byte[] sec1Field(byte[] sec1, int tag) {
        Reader key = new Reader(new Reader(sec1).next(SEQUENCE));
        key.skip();
        key.skip();
        while (key.hasMore()) {
            int found = key.peekTag();
            byte[] contents = key.next(found);
            if (found == tag) {
                return contents;
            }
        }
        return null;
    }

    private static byte[] tlv(int tag, byte[] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(contents.length + 6);
        out.write(tag);
        int length = contents.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(contents);
        return out.toByteArray();
    }

    /** Reads consecutive TLVs; definite lengths only (DER has no others). */
    private static final class Reader {
        private final byte[] der;
        private int at;

        Reader(byte[] der) {
            this.der = der;
        }

        boolean hasMore() {
            return at < der.length;
        }

        int peekTag() {
            require(at < der.length);
            return der[at] & 0xff;
        }

        void skip() {
            next(peekTag());
        }

        byte[] next(int tag) {
            require(at + 2 <= der.length && (der[at] & 0xff) == tag);
            at++;
            int length = der[at++] & 0xff;
            if (length >= 0x80) {
                int bytes = length & 0x7f;
                require(bytes >= 1 && bytes <= 3 && at + bytes <= der.length);
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (der[at++] & 0xff);
                }
            }
            require(length <= der.length - at);
            byte[] contents = Arrays.copyOfRange(der, at, at + length);
            at += length;
            return contents;
        }

        private static void require(boolean wellFormed) {
            if (!wellFormed) {
                throw new IllegalArgumentException("the key is not well-formed DER");
            }
        }
    }
}
