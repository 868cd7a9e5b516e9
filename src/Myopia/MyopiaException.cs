namespace Myopia;

/// <summary>
/// An error caused by the user's input (missing or corrupt file, impossible option, NaN loss...).
/// The CLI prints its message as one line and exits with code 2; anything else is a bug.
/// </summary>
public sealed class MyopiaException(string message, Exception? inner = null) : Exception(message, inner);
