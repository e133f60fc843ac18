package dev.mcpauth.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A POSTed JSON-RPC body, read once by the chain.
 *
 * @param bytes the raw body, exactly as received
 * @param json  the parsed body: an object (one message) or an array (a batch)
 */
public record JsonRpcBody(byte[] bytes, JsonNode json) {
}
