package dev.mcpauth.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;

/**
 * A rule on the caller's token claims and the call's arguments, in CEL (the Common Expression Language, as Kubernetes
 * and agentgateway use it): {@code claims.groups.exists(g, g == "eng")} or
 * {@code args.path.startsWith("/srv/" + claims.sub)}. Compiled once, when the policy is built (a bad expression is
 * refused then, with its line and column); evaluated per call under a cost limit, so no expression can make a call
 * expensive. An expression that fails at run time (a claim the token lacks, a limit reached) counts as false:
 * fail closed.
 *
 * @param source  the expression as configured
 * @param message what a refused caller is told (the rule's own words)
 */
public record Condition(String source, String message, CelRuntime.Program program, boolean claimsOnly) {

    /** Each evaluation may visit at most this many expression nodes (one comparison is a few nodes). */
    static final int MAX_STEPS = 10_000;
    /** No list or map macro may iterate more than this many times in one evaluation. */
    static final int MAX_ITERATIONS = 1_000;

    private static final CelOptions OPTIONS = CelOptions.current()
            // JSON has one number type: "args.a < 100" must hold for 5 and 5.0 alike (CEL spec, numeric comparisons).
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .maxExpressionCodePointSize(4_096)
            .build();
    private static final CelCompiler CALLS = compiler(true);
    private static final CelCompiler CLAIMS_ONLY = compiler(false);
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    /** The outcome of one evaluation; {@code error} says why it could not decide (then it is not satisfied). */
    public record Result(boolean satisfied, String error) {
    }

    /**
     * Compiles {@code source}, a CEL expression over {@code claims} and {@code args} that must yield a bool.
     *
     * @param message what a refused caller is told; null for a default naming the expression
     * @throws IllegalArgumentException with every problem and its position ({@code 1:14: ...})
     */
    public static Condition compile(String source, String message) {
        try {
            CelRuntime.Program program = RUNTIME.createProgram(CALLS.compile(source).getAst());
            return new Condition(source, message == null || message.isBlank() ? "the call does not satisfy the rule " + source : message,
                    program, compiles(CLAIMS_ONLY, source));
        } catch (CelValidationException e) {
            StringBuilder problems = new StringBuilder();
            for (CelIssue issue : e.getErrors()) {
                if (!problems.isEmpty()) {
                    problems.append("; ");
                }
                // CEL counts columns from 0; editors and people from 1.
                problems.append(issue.getSourceLocation().getLine()).append(':').append(issue.getSourceLocation().getColumn() + 1)
                        .append(": ").append(issue.getMessage());
            }
            throw new IllegalArgumentException("invalid CEL expression '" + source + "' at " + problems);
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException("CEL expression '" + source + "' cannot be planned: " + e.getMessage());
        }
    }

    /** Evaluates against one call; {@code args} null or missing means "no arguments" ({@code args} is an empty map). */
    public Result evaluate(Map<String, Object> claims, JsonNode args) {
        Map<String, Object> vars = Map.of("claims", CelValues.ofClaims(claims),
                "args", args == null || !args.isObject() ? Map.of() : CelValues.of(args));
        int[] steps = {0};
        try {
            Object result = program.trace(vars, (expr, value) -> {
                if (++steps[0] > MAX_STEPS) {
                    throw new CostLimitReached();
                }
            });
            return new Result(Boolean.TRUE.equals(result), null);
        } catch (CelEvaluationException e) {
            return new Result(false, e.getCause() instanceof CostLimitReached ? "cost limit reached" : e.getMessage());
        } catch (CostLimitReached e) {
            return new Result(false, "cost limit reached");
        }
    }

    private static CelCompiler compiler(boolean withArgs) {
        var builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("claims", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .setResultType(SimpleType.BOOL);
        if (withArgs) {
            builder.addVar("args", MapType.create(SimpleType.STRING, SimpleType.DYN));
        }
        return builder.build();
    }

    private static boolean compiles(CelCompiler compiler, String source) {
        try {
            compiler.compile(source).getAst();
            return true;
        } catch (CelValidationException e) {
            return false;
        }
    }

    private static final class CostLimitReached extends RuntimeException {
        CostLimitReached() {
            super("cost limit reached", null, false, false);
        }
    }
}
