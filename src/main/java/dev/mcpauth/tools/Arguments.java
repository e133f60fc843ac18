package dev.mcpauth.tools;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tool's arguments as plain JSON values, read with the checks a JSON Schema would make, so that a tool
 * never trusts that the transport validated its input. Every failure names the argument.
 */
final class Arguments {

    private final Map<String, Object> values;

    private Arguments(Map<String, Object> values) {
        this.values = values;
    }

    /** The arguments, refusing any name the tool does not declare (its schema says additionalProperties: false). */
    static Arguments of(Map<String, Object> values, Set<String> declared) throws BadArgument {
        TreeSet<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(declared);
        if (!unknown.isEmpty()) {
            throw new BadArgument("unknown argument " + String.join(", ", unknown)
                    + (declared.isEmpty() ? "; this tool takes no arguments" : "; expected " + String.join(", ", new TreeSet<>(declared))));
        }
        return new Arguments(values);
    }

    Optional<String> optionalString(String name) throws BadArgument {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String s)) {
            throw new BadArgument("argument '" + name + "' must be a string, got " + jsonType(value));
        }
        return Optional.of(s);
    }

    String requiredString(String name) throws BadArgument {
        return optionalString(name).orElseThrow(() -> new BadArgument("argument '" + name + "' is required"));
    }

    /** An array of strings; absent means empty. */
    List<String> stringList(String name) throws BadArgument {
        Object value = values.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new BadArgument("argument '" + name + "' must be an array of strings, got " + jsonType(value));
        }
        List<String> strings = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw new BadArgument("argument '" + name + "[" + i + "]' must be a string, got " + jsonType(list.get(i)));
            }
            strings.add(s);
        }
        return strings;
    }

    /** A JSON number, exactly: integers stay integers, decimals keep their shortest decimal form. */
    BigDecimal requiredNumber(String name) throws BadArgument {
        Object value = values.get(name);
        if (value == null) {
            throw new BadArgument("argument '" + name + "' is required");
        }
        if (!(value instanceof Number n)) {
            throw new BadArgument("argument '" + name + "' must be a number, got " + jsonType(value));
        }
        return toBigDecimal(name, n);
    }

    private static BigDecimal toBigDecimal(String name, Number n) throws BadArgument {
        return switch (n) {
            case BigDecimal d -> d;
            case BigInteger i -> new BigDecimal(i);
            case Integer i -> BigDecimal.valueOf(i);
            case Long l -> BigDecimal.valueOf(l);
            case Short s -> BigDecimal.valueOf(s);
            case Byte b -> BigDecimal.valueOf(b);
            case Double d -> finite(name, d, BigDecimal::valueOf);
            case Float f -> finite(name, f.doubleValue(), x -> new BigDecimal(Float.toString(f)));
            default -> {
                try {
                    yield new BigDecimal(n.toString());
                } catch (NumberFormatException e) {
                    throw new BadArgument("argument '" + name + "' must be a finite number, got " + n);
                }
            }
        };
    }

    private interface DoubleToDecimal {
        BigDecimal apply(double d);
    }

    private static BigDecimal finite(String name, double d, DoubleToDecimal convert) throws BadArgument {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new BadArgument("argument '" + name + "' must be a finite number, got " + d);
        }
        return convert.apply(d);
    }

    /** The JSON type name of a value, for messages. */
    static String jsonType(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> "a string";
            case Boolean b -> "a boolean";
            case Number n -> "a number";
            case List<?> l -> "an array";
            case Map<?, ?> m -> "an object";
            default -> value.getClass().getSimpleName();
        };
    }
}
