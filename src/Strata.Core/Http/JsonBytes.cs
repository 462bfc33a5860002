using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Strata.Http;

/// <summary>Builds a JSON response with a <see cref="Utf8JsonWriter"/>: explicit shapes, no reflection, no masking surprises.</summary>
internal static class JsonBytes
{
    public static IResult Result(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
            write(writer);
        var bytes = buffer.WrittenSpan.ToArray();
        return status == StatusCodes.Status200OK
            ? TypedResults.Bytes(bytes, "application/json")
            : new StatusBytes(bytes, status);
    }

    private sealed class StatusBytes(byte[] bytes, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = bytes.Length;
            return context.Response.Body.WriteAsync(bytes).AsTask();
        }
    }
}
