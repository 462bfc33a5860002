using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Strata.Http;

/// <summary>Builds a JSON response with a <see cref="Utf8JsonWriter"/>: explicit shapes, no reflection, no masking surprises.</summary>
internal static class JsonBytes
{
    /// <summary>
    /// A response rendered when it is executed, into a buffer and writer reused by the thread, and copied into the
    /// response pipe: an answer allocates neither its bytes nor a writer. Whatever <paramref name="write"/> reads
    /// must still be valid then (the request's body is: it is disposed with the response).
    /// </summary>
    public static IResult Result(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK) => new JsonResult(write, status);

    /// <summary>JSON already rendered (cached answers): written as it is, without the range and precondition logic of a file result.</summary>
    public static IResult Ready(byte[] utf8) => new ReadyResult(utf8);

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    // Large answers (exports) are not kept for the thread's lifetime.
    private const int KeptCapacity = 64 * 1024;

    private static ReadOnlySpan<byte> Rendered(Action<Utf8JsonWriter> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        if (buffer.Capacity > KeptCapacity) t_buffer = buffer = new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        write(writer);
        writer.Flush();
        return buffer.WrittenSpan;
    }

    private sealed class JsonResult(Action<Utf8JsonWriter> write, int status) : IResult
    {
        // Rendered and copied with no await in between: the thread's buffer is free again before anything else runs here.
        public Task ExecuteAsync(HttpContext context) => WriteAsync(context, status, Rendered(write));
    }

    private sealed class ReadyResult(byte[] utf8) : IResult
    {
        public Task ExecuteAsync(HttpContext context) => WriteAsync(context, StatusCodes.Status200OK, utf8);
    }

    private static Task WriteAsync(HttpContext context, int status, ReadOnlySpan<byte> json)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        response.BodyWriter.Write(json);
        var flush = response.BodyWriter.FlushAsync(context.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }
}
