/// An 8-bit grayscale raster, row-major from the top left: what the QR decoder scans.
public struct GrayscaleImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// One byte per pixel, 0 black to 255 white.
    public let pixels: [UInt8]

    /// Wraps `pixels`, which must hold `width × height` bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "pixels must fill the raster")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
