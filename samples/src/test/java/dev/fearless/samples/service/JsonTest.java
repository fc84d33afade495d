package dev.fearless.samples.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesFlatObjectsInOrder() {
        Map<String, Object> parsed = Json.parseObject(
                " {\"from\" : \"acc-1\", \"amount\":-12.5e1, \"ok\":true, \"no\":false, \"nothing\":null, \"s\":\"a\\\"b\\u00e9\\n\"} ");
        assertEquals(List.of("from", "amount", "ok", "no", "nothing", "s"), List.copyOf(parsed.keySet()));
        assertEquals("acc-1", parsed.get("from"));
        assertEquals(0, new BigDecimal("-125").compareTo((BigDecimal) parsed.get("amount")));
        assertEquals(Boolean.TRUE, parsed.get("ok"));
        assertEquals(Boolean.FALSE, parsed.get("no"));
        assertEquals(Json.NULL, parsed.get("nothing"));
        assertEquals("a\"bé\n", parsed.get("s"));
        assertEquals(Map.of(), Json.parseObject("{}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "[]", "{", "}", "{\"a\":1,}", "{\"a\":1}x", "{\"a\" 1}", "{a:1}",
            "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":+1}", "{\"a\":{\"b\":1}}", "{\"a\":[1]}",
            "{\"a\":1,\"a\":2}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":tru}", "{\"a\":\"unterminated}",
            "{\"a\":\"tab\there\"}", "{\"a\":NaN}", "{\"a\":1e99999999999}", "{\"a\":1}{\"b\":2}"})
    void rejectsMalformedInput(String text) {
        assertThrows(Json.MalformedJsonException.class, () -> Json.parseObject(text), text);
    }

    @Test
    void writesNestedValues() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("s", "q\"\\\n\u0001");
        value.put("n", 12L);
        value.put("d", Double.NaN);
        value.put("b", true);
        value.put("l", List.of(1, "x"));
        value.put("m", Map.of("k", 2));
        value.put("z", null);
        assertEquals("{\"s\":\"q\\\"\\\\\\n\\u0001\",\"n\":12,\"d\":null,\"b\":true,\"l\":[1,\"x\"],\"m\":{\"k\":2},\"z\":null}",
                Json.write(value));
        assertEquals(value.get("s"), Json.parseObject(Json.write(Map.of("s", value.get("s")))).get("s"));
    }
}
