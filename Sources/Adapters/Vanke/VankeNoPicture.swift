import Foundation

/// What a recognition without a picture points the platform at. receivePlateNumber's `image` is
/// 必填 and an address a browser opens; `image: ""` is refused by a strict platform, and that
/// respCode 1 would read as "car refused". So the bridge stores this small grey JPEG ("no picture",
/// 160×90, 736 bytes) under the recognition's own picture id: the URL opens like any other, is kept
/// and purged like any other, and says plainly that the camera sent none.
enum VankeNoPicture {
    static let jpeg = Data(base64Encoded: "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABQODxIPDRQSEBIXFRQYHjIhHhwcHj0sLiQySUBMS0dARkVQWnNiUFVtVkVGZIhlbXd7gYKBTmCNl4x9lnN+gXz/wAALCABaAKABAREA/8QAGQABAQEBAQEAAAAAAAAAAAAAAAMCAQQF/8QAKhAAAgIBAwQCAQMFAAAAAAAAAAECAxMEU5IRNHKxEjFRIpHwITKBodH/2gAIAQEAAD8A+rRTU6K26oNuK6v4r8FMFO1Dihgp2ocUMFO1Dihgp2ocUMFO1Dihgp2ocUMFO1Dihgp2ocUMFO1Dihgp2ocUMFO1Dihgp2ocUMFO1Dihgp2ocUMFO1Dihgp2ocUMFO1Dihgp2ocUTvpqVFjVUE1F9H8V+Cmn7erwXooAAAAAAAACeo7e3wfoaft6vBeigAAAAAAAAJ6jt7fB+hp+3q8F6KAAAAAAAAAnqO3t8H6Gn7erwXooAAAAAAAACeo7e3wfoaft6vBeigAPJqLLYzvcLHFVVKaXRf1f6v8Ah2F03qFFz6tzkpV9F+mK69H+fx+5CzUWY7WrflJOxOHRfpS69H/pfuavtlKrULK1NRmsaX0l9P8An5Ny1Li5RypyywUPrq4v49X7MSutSTdiSlOa+TaSXSXRL6f8R7KnKVUHP+5xTfT8mwAACeo7e3wfoaft6vBeigAAMwhGC6RXRdW/8t9WaAAAAAJ6jt7fB+hp+3q8F6KAAAAAAAAAnqO3t8H6Gn7erwXooAAAAAAAACeo7e3wfoaft6vBeigAAAAAAAAJ6jt7fB+hp+3q8F6KAAAAAAAAAnqO3t8H6PjK61JJWzSX0vkzue7dnyYz3bs+TGe7dnyYz3bs+TGe7dnyYz3bs+TGe7dnyYz3bs+TGe7dnyYz3bs+TGe7dnyYz3bs+TGe7dnyYz3bs+TGe7dnyYz3bs+TGe7dnyYz3bs+TOO61pp2zaf2vkz/2Q==") ?? Data()
}
