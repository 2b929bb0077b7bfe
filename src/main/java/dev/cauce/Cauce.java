package dev.cauce; public class Cauce { public static void main(String[] a){} }
