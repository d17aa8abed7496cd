package io.cachekit.codec.untrusted;

public record Outsider(String name) {

}
