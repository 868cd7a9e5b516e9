using System.CommandLine;

namespace Myopia.Cli;

/// <summary>
/// Range checks for options that only the CLI has, as System.CommandLine validators: a value out of
/// range is a parse error (one <c>error:</c> line, exit 2) before the command does any work.
/// Options that feed a library options record are checked there instead, so library users get them too.
/// </summary>
public static class OptionRules
{
    /// <summary>
    /// The option's value, or default when it could not be converted (System.CommandLine then
    /// reports the conversion error itself; asking for the value would throw instead).
    /// </summary>
    public static T? Value<T>(System.CommandLine.Parsing.OptionResult result)
    {
        try { return result.GetValueOrDefault<T>(); }
        catch (InvalidOperationException) { return default; }
    }

    public static Option<int> AtLeast(this Option<int> option, int minimum, string? hint = null)
    {
        option.Validators.Add(result =>
        {
            if (Value<int>(result) is var v && v < minimum)
                result.AddError($"{option.Name} must be at least {minimum}, got {v}{hint}");
        });
        return option;
    }

    public static Option<int?> AtLeast(this Option<int?> option, int minimum, string? hint = null)
    {
        option.Validators.Add(result =>
        {
            if (Value<int?>(result) is { } v && v < minimum)
                result.AddError($"{option.Name} must be at least {minimum}, got {v}{hint}");
        });
        return option;
    }

    /// <summary>A finite number greater than zero.</summary>
    public static Option<double> Positive(this Option<double> option)
    {
        option.Validators.Add(result =>
        {
            var v = Value<double>(result);
            if (result.Errors.Any()) return;
            if (!(v > 0) || double.IsInfinity(v)) result.AddError($"{option.Name} must be a positive number, got {v}");
        });
        return option;
    }

    /// <summary>A finite number greater than zero, when given.</summary>
    public static Option<double?> Positive(this Option<double?> option)
    {
        option.Validators.Add(result =>
        {
            if (Value<double?>(result) is { } v && (!(v > 0) || double.IsInfinity(v)))
                result.AddError($"{option.Name} must be a positive number, got {v}");
        });
        return option;
    }

    /// <summary>Any finite number (no NaN or infinity).</summary>
    public static Option<double> Finite(this Option<double> option)
    {
        option.Validators.Add(result =>
        {
            var v = Value<double>(result);
            if (result.Errors.Any()) return;
            if (!double.IsFinite(v)) result.AddError($"{option.Name} must be a finite number, got {v}");
        });
        return option;
    }
}
